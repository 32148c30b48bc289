namespace ChatStreams.Identity.Tests;

public sealed class PasswordHasherTests
{
    // The defaults (OWASP's Argon2id minimum), as production uses them.
    private readonly PasswordHasher _hasher = new(TestOptions.Wrap(new IdentityOptions()));

    [Fact]
    public void Hash_WritesPhcStringWithDefaultParameters_AndVerifiesRoundTrip()
    {
        var encoded = _hasher.Hash("correct horse battery staple");

        var parts = encoded.Split('$');
        Assert.Equal(["", "argon2id", "v=19", "m=19456,t=2,p=1"], parts[..4]);
        Assert.Equal(16, Convert.FromBase64String(Pad(parts[4])).Length);
        Assert.Equal(32, Convert.FromBase64String(Pad(parts[5])).Length);
        Assert.DoesNotContain("=", parts[4] + parts[5]); // PHC base64 is unpadded
        Assert.True(_hasher.Verify("correct horse battery staple", encoded));
        Assert.False(_hasher.NeedsRehash(encoded));
    }

    [Fact]
    public void Hash_UsesFreshSaltEveryTime()
    {
        Assert.NotEqual(_hasher.Hash("same password"), _hasher.Hash("same password"));
    }

    [Fact]
    public void Verify_WrongPassword_IsFalse()
    {
        var encoded = _hasher.Hash("correct horse battery staple");

        Assert.False(_hasher.Verify("correct horse battery stapl", encoded));
        Assert.False(_hasher.Verify("", encoded));
    }

    [Fact]
    public void Verify_AcceptsHashFromTheReferenceImplementation()
    {
        // Made with the reference argon2 CLI: echo -n "correct horse battery staple" | argon2 chatstreams-salt1 -id -t 2 -k 19456 -p 1 -l 32
        const string reference = "$argon2id$v=19$m=19456,t=2,p=1$Y2hhdHN0cmVhbXMtc2FsdDE$wlwd1XcNal1UTpCzZO+c6EWEM9bmT1/bHBP2jDZERdY";

        Assert.True(_hasher.Verify("correct horse battery staple", reference));
        Assert.False(_hasher.Verify("correct horse battery staplE", reference));
    }

    [Fact]
    public void Verify_NonAsciiPasswordIsHashedAsUtf8()
    {
        // echo -n "pässwörd ✓" | argon2 unicode-salt-16b -id -t 2 -k 19456 -p 1 -l 32
        const string reference = "$argon2id$v=19$m=19456,t=2,p=1$dW5pY29kZS1zYWx0LTE2Yg$ORm04/nIKvpA9EvXuewaNPZkr3RiJbLyG8ghPGNGY0k";

        Assert.True(_hasher.Verify("pässwörd ✓", reference));
    }

    [Fact]
    public void Verify_ReadsParametersFromTheHash_AndNeedsRehashReportsTheDifference()
    {
        // Older, different parameters (m=8192, t=3, p=2): still verifiable after the settings changed.
        // echo -n "older-params-pass" | argon2 somesalt12345678 -id -t 3 -k 8192 -p 2 -l 32
        const string older = "$argon2id$v=19$m=8192,t=3,p=2$c29tZXNhbHQxMjM0NTY3OA$I0eMUdhqAfn5MkVhmD5OyFFiPLBnMe4MLfWKj86lhfw";

        Assert.True(_hasher.Verify("older-params-pass", older));
        Assert.True(_hasher.NeedsRehash(older));
    }

    [Fact]
    public void Verify_HashMadeUnderOtherSettings_StillVerifiesWithTheDefaults()
    {
        var cheaper = new PasswordHasher(TestOptions.Wrap(new IdentityOptions { Argon2MemoryKiB = 1024, Argon2Iterations = 1 }));
        var encoded = cheaper.Hash("s3cret-enough");

        Assert.StartsWith("$argon2id$v=19$m=1024,t=1,p=1$", encoded);
        Assert.True(_hasher.Verify("s3cret-enough", encoded));
        Assert.True(_hasher.NeedsRehash(encoded));
        Assert.False(cheaper.NeedsRehash(encoded));
    }

    [Fact]
    public void Verify_TamperedHash_IsFalse()
    {
        var encoded = _hasher.Hash("correct horse battery staple");
        var parts = encoded.Split('$');
        var hash = Convert.FromBase64String(Pad(parts[5]));
        hash[0] ^= 1;
        parts[5] = Convert.ToBase64String(hash).TrimEnd('=');
        var tamperedHash = string.Join('$', parts);

        var salt = Convert.FromBase64String(Pad(parts[4]));
        salt[^1] ^= 1;
        var tamperedSalt = string.Join('$', parts[..4]) + "$" + Convert.ToBase64String(salt).TrimEnd('=') + "$" + encoded.Split('$')[5];

        var otherParameters = encoded.Replace("t=2", "t=3", StringComparison.Ordinal);

        Assert.False(_hasher.Verify("correct horse battery staple", tamperedHash));
        Assert.False(_hasher.Verify("correct horse battery staple", tamperedSalt));
        Assert.False(_hasher.Verify("correct horse battery staple", otherParameters));
    }

    [Theory]
    [InlineData("")]
    [InlineData("plaintext")]
    [InlineData("$argon2i$v=19$m=19456,t=2,p=1$Y2hhdHN0cmVhbXMtc2FsdDE$wlwd1XcNal1UTpCzZO+c6EWEM9bmT1/bHBP2jDZERdY")]
    [InlineData("$argon2id$v=16$m=19456,t=2,p=1$Y2hhdHN0cmVhbXMtc2FsdDE$wlwd1XcNal1UTpCzZO+c6EWEM9bmT1/bHBP2jDZERdY")]
    [InlineData("$argon2id$v=19$m=19456,t=2$Y2hhdHN0cmVhbXMtc2FsdDE$wlwd1XcNal1UTpCzZO+c6EWEM9bmT1/bHBP2jDZERdY")]
    [InlineData("$argon2id$v=19$m=abc,t=2,p=1$Y2hhdHN0cmVhbXMtc2FsdDE$wlwd1XcNal1UTpCzZO+c6EWEM9bmT1/bHBP2jDZERdY")]
    [InlineData("$argon2id$v=19$m=-5,t=2,p=1$Y2hhdHN0cmVhbXMtc2FsdDE$wlwd1XcNal1UTpCzZO+c6EWEM9bmT1/bHBP2jDZERdY")]
    [InlineData("$argon2id$v=19$m=99999999,t=2,p=1$Y2hhdHN0cmVhbXMtc2FsdDE$wlwd1XcNal1UTpCzZO+c6EWEM9bmT1/bHBP2jDZERdY")]
    [InlineData("$argon2id$v=19$m=19456,t=0,p=1$Y2hhdHN0cmVhbXMtc2FsdDE$wlwd1XcNal1UTpCzZO+c6EWEM9bmT1/bHBP2jDZERdY")]
    [InlineData("$argon2id$v=19$m=19456,t=2,p=1$!!notbase64!!$wlwd1XcNal1UTpCzZO+c6EWEM9bmT1/bHBP2jDZERdY")]
    [InlineData("$argon2id$v=19$m=19456,t=2,p=1$Y2hhdHN0cmVhbXMtc2FsdDE$")]
    [InlineData("$argon2id$v=19$m=19456,t=2,p=1$Y2hhdHN0cmVhbXMtc2FsdDE$wlwd1XcNal1UTpCzZO+c6EWEM9bmT1/bHBP2jDZERdY$extra")]
    [InlineData("$argon2id$v=19$m=19456,t=2,p=1$YQ$wlwd1XcNal1UTpCzZO+c6EWEM9bmT1/bHBP2jDZERdY")]
    public void Verify_MalformedHash_IsFalseAndNeverThrows(string encoded)
    {
        Assert.False(_hasher.Verify("correct horse battery staple", encoded));
        Assert.True(_hasher.NeedsRehash(encoded));
    }

    [Fact]
    public void Hash_EmptyPassword_IsRefused()
    {
        Assert.Throws<ArgumentException>(() => _hasher.Hash(""));
    }

    [Fact]
    public void Verify_NullInputs_AreFalse()
    {
        Assert.False(_hasher.Verify(null!, _hasher.Hash("whatever-it-is")));
        Assert.False(_hasher.Verify("whatever-it-is", null!));
    }

    private static string Pad(string b64) => b64.PadRight(b64.Length + (4 - b64.Length % 4) % 4, '=');
}
