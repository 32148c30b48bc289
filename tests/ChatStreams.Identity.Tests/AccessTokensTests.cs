using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace ChatStreams.Identity.Tests;

public sealed class AccessTokensTests
{
    private static readonly UserAccount Alice =
        new("0f8fad5bd9cb469fa16570867728950e", "Alice", "Alice Liddell", "$argon2id$unused", DateTimeOffset.UnixEpoch);

    [Fact]
    public async Task Issue_ThenValidate_CarriesUserClaims()
    {
        var options = new IdentityOptions { SigningKey = TestOptions.NewKey() };
        var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
        var tokens = Tokens(options, clock);

        var token = tokens.Issue(Alice);
        var result = await tokens.ValidateAsync(token);

        Assert.True(result.IsValid, result.Exception?.Message);
        var principal = new ClaimsPrincipal(result.ClaimsIdentity);
        Assert.Equal(Alice.UserId, AccessTokens.UserId(principal));
        Assert.Equal("Alice", AccessTokens.Username(principal));
        Assert.Equal("Alice Liddell", AccessTokens.DisplayName(principal));
        Assert.Equal("Alice", principal.Identity!.Name);

        var jwt = new JsonWebToken(token);
        Assert.Equal("HS256", jwt.Alg);
        Assert.Equal("chatstreams", jwt.Issuer);
        Assert.Equal(["chatstreams"], jwt.Audiences);
        Assert.Equal(32, jwt.Id.Length);
        Assert.Equal(clock.Now.ToUnixTimeSeconds(), jwt.GetPayloadValue<long>("iat"));
        Assert.Equal(clock.Now.AddHours(24).ToUnixTimeSeconds(), jwt.GetPayloadValue<long>("exp"));
        Assert.NotEqual(jwt.Id, new JsonWebToken(tokens.Issue(Alice)).Id);
    }

    [Fact]
    public async Task Validate_ExpiredToken_FailsWithExpiry()
    {
        var options = new IdentityOptions { SigningKey = TestOptions.NewKey(), TokenLifetime = TimeSpan.FromHours(1) };
        var issuedTwoHoursAgo = Tokens(options, new ManualTimeProvider(DateTimeOffset.UtcNow.AddHours(-2)));
        var now = Tokens(options, TimeProvider.System);

        var result = await now.ValidateAsync(issuedTwoHoursAgo.Issue(Alice));

        Assert.False(result.IsValid);
        Assert.IsType<SecurityTokenExpiredException>(result.Exception);
    }

    [Fact]
    public async Task Validate_WithinClockSkew_IsAccepted()
    {
        var options = new IdentityOptions { SigningKey = TestOptions.NewKey(), TokenLifetime = TimeSpan.FromHours(1) };
        // Expired 10 s ago by the issuer's clock: inside the 30 s tolerance between edges.
        var issuer = Tokens(options, new ManualTimeProvider(DateTimeOffset.UtcNow.AddHours(-1).AddSeconds(-10)));

        var result = await Tokens(options, TimeProvider.System).ValidateAsync(issuer.Issue(Alice));

        Assert.True(result.IsValid, result.Exception?.Message);
        Assert.Equal(TimeSpan.FromSeconds(30), Tokens(options, TimeProvider.System).ValidationParameters.ClockSkew);
    }

    [Fact]
    public async Task Validate_TokenSignedWithAnotherKey_IsRejected()
    {
        var issuer = Tokens(new IdentityOptions { SigningKey = TestOptions.NewKey() }, TimeProvider.System);
        var checker = Tokens(new IdentityOptions { SigningKey = TestOptions.NewKey() }, TimeProvider.System);

        var result = await checker.ValidateAsync(issuer.Issue(Alice));

        Assert.False(result.IsValid);
        Assert.IsAssignableFrom<SecurityTokenException>(result.Exception);
    }

    [Fact]
    public async Task Validate_WrongAudienceOrIssuer_IsRejected()
    {
        var key = TestOptions.NewKey();
        var checker = Tokens(new IdentityOptions { SigningKey = key }, TimeProvider.System);
        var otherAudience = Tokens(new IdentityOptions { SigningKey = key, Audience = "someone-else" }, TimeProvider.System);
        var otherIssuer = Tokens(new IdentityOptions { SigningKey = key, Issuer = "someone-else" }, TimeProvider.System);

        var audienceResult = await checker.ValidateAsync(otherAudience.Issue(Alice));
        var issuerResult = await checker.ValidateAsync(otherIssuer.Issue(Alice));

        Assert.IsType<SecurityTokenInvalidAudienceException>(audienceResult.Exception);
        Assert.IsType<SecurityTokenInvalidIssuerException>(issuerResult.Exception);
    }

    [Fact]
    public async Task Validate_UnsignedOrGarbageToken_IsRejected()
    {
        var tokens = Tokens(new IdentityOptions { SigningKey = TestOptions.NewKey() }, TimeProvider.System);
        var signed = tokens.Issue(Alice);
        var unsigned = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "chatstreams",
            Audience = "chatstreams",
            Expires = DateTime.UtcNow.AddHours(1),
            Claims = new Dictionary<string, object> { ["sub"] = "intruder" },
        });

        Assert.False((await tokens.ValidateAsync(unsigned)).IsValid);
        Assert.False((await tokens.ValidateAsync("not.a.token")).IsValid);
        Assert.False((await tokens.ValidateAsync(signed[..^2] + (signed[^2] == 'A' ? "BB" : "AA"))).IsValid);
    }

    [Fact]
    public void ClaimHelpers_ReadMappedAndUnmappedClaims()
    {
        var unmapped = new ClaimsPrincipal(new ClaimsIdentity([new Claim("sub", "u1"), new Claim("name", "bob")], "test"));
        var mapped = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, "u2"), new Claim(ClaimTypes.Name, "carol")], "test"));
        var anonymous = new ClaimsPrincipal(new ClaimsIdentity());

        Assert.Equal(("u1", "bob"), (AccessTokens.UserId(unmapped), AccessTokens.Username(unmapped)));
        Assert.Equal(("u2", "carol"), (AccessTokens.UserId(mapped), AccessTokens.Username(mapped)));
        Assert.Null(AccessTokens.UserId(anonymous));
        Assert.Null(AccessTokens.Username(anonymous));
    }

    private static AccessTokens Tokens(IdentityOptions options, TimeProvider clock) =>
        new(TestOptions.Wrap(options), TokenSigningKey.Load(options), clock);
}
