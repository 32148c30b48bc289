using ChatStreams.Media.Stores;
using ChatStreams.TestSupport;

namespace ChatStreams.Media.Tests;

public sealed class MediaUrlSignerTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 12, 0, 0, TimeSpan.Zero);
    private static readonly MediaUrlSigner Signer = new(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
    private static readonly string Id = MediaRecord.NewId();
    private static readonly long Expires = Now.AddMinutes(5).ToUnixTimeSeconds();
    private static string E => Expires.ToString(System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public void A_signature_is_valid_for_its_method_id_and_expiry_only()
    {
        var sig = Signer.Sign("PUT", Id, Expires);
        Assert.Equal(SignatureCheck.Valid, Signer.Check("PUT", Id, E, sig, Now));
        Assert.Equal(SignatureCheck.Invalid, Signer.Check("GET", Id, E, sig, Now));
        Assert.Equal(SignatureCheck.Invalid, Signer.Check("PUT", MediaRecord.NewId(), E, sig, Now));
        Assert.Equal(SignatureCheck.Invalid, Signer.Check("PUT", Id, (Expires + 3600).ToString(System.Globalization.CultureInfo.InvariantCulture), sig, Now));
    }

    [Fact]
    public void A_tampered_or_missing_signature_is_invalid()
    {
        var sig = Signer.Sign("GET", Id, Expires);
        var flipped = (sig[0] == 'A' ? 'B' : 'A') + sig[1..];
        Assert.Equal(SignatureCheck.Invalid, Signer.Check("GET", Id, E, flipped, Now));
        Assert.Equal(SignatureCheck.Invalid, Signer.Check("GET", Id, E, sig[..^2], Now));
        Assert.Equal(SignatureCheck.Invalid, Signer.Check("GET", Id, E, "not base64 at all!", Now));
        Assert.Equal(SignatureCheck.Invalid, Signer.Check("GET", Id, E, null, Now));
        Assert.Equal(SignatureCheck.Invalid, Signer.Check("GET", Id, "-5", sig, Now));
        Assert.Equal(SignatureCheck.Invalid, Signer.Check("GET", Id, null, sig, Now));
    }

    [Fact]
    public void Another_key_does_not_accept_the_signature()
    {
        var other = new MediaUrlSigner(Enumerable.Range(2, 32).Select(i => (byte)i).ToArray());
        Assert.Equal(SignatureCheck.Invalid, other.Check("GET", Id, E, Signer.Sign("GET", Id, Expires), Now));
    }

    [Fact]
    public void A_url_expires()
    {
        var sig = Signer.Sign("GET", Id, Expires);
        Assert.Equal(SignatureCheck.Valid, Signer.Check("GET", Id, E, sig, Now.AddMinutes(5)));
        Assert.Equal(SignatureCheck.Expired, Signer.Check("GET", Id, E, sig, Now.AddMinutes(5).AddSeconds(1)));
    }

    [Fact]
    public void Edges_sharing_a_key_file_accept_each_others_urls()
    {
        using var folder = new TempDirectory("media-key");
        var options = new MediaOptions { SigningKeyFile = folder.Sub("keys/media.key") };
        var first = new MediaUrlSigner(options);
        var sig = first.Sign("PUT", Id, Expires);
        Assert.True(File.Exists(options.SigningKeyFile));
        Assert.Equal(SignatureCheck.Valid, new MediaUrlSigner(options).Check("PUT", Id, E, sig, Now));
        if (!OperatingSystem.IsWindows())
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(options.SigningKeyFile));
    }

    [Fact]
    public void A_configured_key_that_is_too_short_is_refused_with_the_setting_named()
    {
        var signer = new MediaUrlSigner(new MediaOptions { SigningKey = Convert.ToBase64String(new byte[8]) });
        var error = Assert.Throws<InvalidOperationException>(() => signer.Sign("GET", Id, Expires));
        Assert.Contains("Media__SigningKey", error.Message);
    }
}
