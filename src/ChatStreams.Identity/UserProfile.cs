namespace ChatStreams.Identity;

/// <summary>What clients may see of an account.</summary>
public sealed record UserProfile(string UserId, string Username, string DisplayName);
