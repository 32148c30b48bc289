namespace ChatStreams.Identity;

/// <summary>Body of POST /api/auth/register.</summary>
public sealed record RegisterRequest(string? Username, string? Password, string? DisplayName);

/// <summary>Body of POST /api/auth/login.</summary>
public sealed record LoginRequest(string? Username, string? Password);

/// <summary>Answer of register and login: who the caller is and the token to send from now on.</summary>
public sealed record AuthResponse(string UserId, string Token, string Username, string DisplayName);
