using System.Security.Claims;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ChatStreams.Identity;

/// <summary>Issues and checks the JWT access tokens (HS256) that clients send to every edge.</summary>
public sealed class AccessTokens
{
    public const string UserIdClaim = JwtRegisteredClaimNames.Sub;
    public const string UsernameClaim = JwtRegisteredClaimNames.Name;
    public const string DisplayNameClaim = "display_name";

    /// <summary>Tolerated clock difference between the edge that issued a token and the edge that checks it.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);

    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly SigningCredentials _credentials;
    private readonly IdentityOptions _options;
    private readonly TimeProvider _time;

    public AccessTokens(IOptions<IdentityOptions> options, TokenSigningKey signingKey, TimeProvider? timeProvider = null)
    {
        _options = options.Value;
        _time = timeProvider ?? TimeProvider.System;
        _credentials = new SigningCredentials(signingKey.SecurityKey, SecurityAlgorithms.HmacSha256);
        ValidationParameters = new TokenValidationParameters
        {
            ValidIssuer = _options.Issuer,
            ValidAudience = _options.Audience,
            IssuerSigningKey = signingKey.SecurityKey,
            ValidAlgorithms = [SecurityAlgorithms.HmacSha256],
            ValidateIssuer = true,
            ValidateAudience = true,
            ValidateLifetime = true,
            ValidateIssuerSigningKey = true,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ClockSkew = ClockSkew,
            NameClaimType = UsernameClaim,
        };
    }

    /// <summary>Everything a JWT bearer handler needs to accept exactly the tokens <see cref="Issue"/> makes.</summary>
    public TokenValidationParameters ValidationParameters { get; }

    public TimeSpan Lifetime => _options.TokenLifetime;

    public string Issue(UserAccount user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var now = _time.GetUtcNow().UtcDateTime;
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = _options.Issuer,
            Audience = _options.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + _options.TokenLifetime,
            SigningCredentials = _credentials,
            Claims = new Dictionary<string, object>
            {
                [UserIdClaim] = user.UserId,
                [UsernameClaim] = user.Username,
                [DisplayNameClaim] = user.DisplayName,
                [JwtRegisteredClaimNames.Jti] = Guid.NewGuid().ToString("N"),
            },
        });
    }

    /// <summary>Checks a token outside the ASP.NET pipeline (for example a token sent inside a WebSocket frame).</summary>
    public Task<TokenValidationResult> ValidateAsync(string token) => _handler.ValidateTokenAsync(token, ValidationParameters);

    /// <summary>The user id (<c>sub</c>) of an authenticated caller, whether or not inbound claims were mapped.</summary>
    public static string? UserId(ClaimsPrincipal principal) =>
        FirstValue(principal, UserIdClaim, ClaimTypes.NameIdentifier);

    public static string? Username(ClaimsPrincipal principal) =>
        FirstValue(principal, UsernameClaim, ClaimTypes.Name);

    public static string? DisplayName(ClaimsPrincipal principal) =>
        FirstValue(principal, DisplayNameClaim, DisplayNameClaim);

    private static string? FirstValue(ClaimsPrincipal principal, string type, string mappedType)
    {
        ArgumentNullException.ThrowIfNull(principal);
        var value = principal.FindFirst(type)?.Value ?? principal.FindFirst(mappedType)?.Value;
        return string.IsNullOrEmpty(value) ? null : value;
    }
}
