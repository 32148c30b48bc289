using System.Security.Cryptography;
using System.Text.Json;

namespace ChatStreams.Notifications.WebPush;

/// <summary>
/// The application server's VAPID key pair (RFC 8292): browsers subscribe with its public key, and every push request
/// is signed with the private key, so a push service only accepts pushes for a subscription from the server it was made for.
/// Either configured (Notifications:VapidPublicKey/VapidPrivateKey) or generated once into Notifications:VapidKeyFile,
/// which the edges and the sender share: a new key would orphan every existing subscription.
/// </summary>
public sealed class VapidKeys
{
    private readonly ECParameters _parameters;

    private VapidKeys(ECParameters parameters)
    {
        _parameters = parameters;
        PublicKey = P256.PublicKeyOf(parameters);
        PublicKeyText = Base64Url.Encode(PublicKey);
    }

    /// <summary>65-byte uncompressed point.</summary>
    public byte[] PublicKey { get; }

    /// <summary>Base64url of <see cref="PublicKey"/>: the applicationServerKey a browser passes to pushManager.subscribe and the k= of the header.</summary>
    public string PublicKeyText { get; }

    public ECDsa CreateSigner() => ECDsa.Create(_parameters);

    public static VapidKeys FromBase64Url(string publicKey, string privateKey)
    {
        var pub = Base64Url.TryDecode(publicKey) ?? throw new InvalidOperationException("Notifications:VapidPublicKey is not base64url.");
        var priv = Base64Url.TryDecode(privateKey) ?? throw new InvalidOperationException("Notifications:VapidPrivateKey is not base64url.");
        try
        {
            var parameters = P256.Parameters(priv, pub);
            using var check = ECDsa.Create(parameters); // throws when the private key does not match the public key
            return new VapidKeys(parameters);
        }
        catch (CryptographicException e)
        {
            throw new InvalidOperationException($"the VAPID key pair is not a valid P-256 key pair ({e.Message}); generate one (or delete the key file to have it generated).", e);
        }
    }

    public static VapidKeys Generate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return new VapidKeys(key.ExportParameters(true));
    }

    /// <summary>
    /// The configured keys; else, when the preferences store keeps keys (MongoDB), the pair stored there (a new one
    /// the first time); else the key file, generated the first time.
    /// </summary>
    public static async Task<VapidKeys> LoadAsync(NotificationOptions options, Preferences.IPushPreferences store, CancellationToken ct)
    {
        if (!string.IsNullOrEmpty(options.VapidPublicKey) && !string.IsNullOrEmpty(options.VapidPrivateKey))
            return FromBase64Url(options.VapidPublicKey, options.VapidPrivateKey);
        if (store is Preferences.IVapidKeyStore keyStore)
        {
            var candidate = Generate();
            var (publicKey, privateKey) = await keyStore.GetOrAddVapidKeysAsync(candidate.PublicKeyText, Base64Url.Encode(candidate._parameters.D), ct);
            return FromBase64Url(publicKey, privateKey);
        }
        return LoadOrCreateFile(options.VapidKeyFile);
    }

    public static VapidKeys LoadOrCreateFile(string path)
    {
        if (File.Exists(path)) return ReadFile(path);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var generated = Generate();
        var temp = $"{path}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var stream = new FileStream(temp, options))
        {
            JsonSerializer.Serialize(stream, new KeyFile { PublicKey = generated.PublicKeyText, PrivateKey = Base64Url.Encode(generated._parameters.D) });
            stream.Flush(flushToDisk: true);
        }
        try
        {
            // No overwrite: when an edge and the sender start together, the first file wins and both use it.
            File.Move(temp, path, overwrite: false);
            return generated;
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temp);
            return ReadFile(path);
        }
    }

    private static VapidKeys ReadFile(string path)
    {
        KeyFile? file;
        try
        {
            file = JsonSerializer.Deserialize<KeyFile>(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException($"the VAPID key file {path} is not valid JSON ({e.Message}); restore it from a backup (a new key orphans every push subscription).", e);
        }
        if (file is null || string.IsNullOrEmpty(file.PublicKey) || string.IsNullOrEmpty(file.PrivateKey))
            throw new InvalidOperationException($"the VAPID key file {path} lacks publicKey or privateKey.");
        return FromBase64Url(file.PublicKey, file.PrivateKey);
    }

    private sealed class KeyFile
    {
        [System.Text.Json.Serialization.JsonPropertyName("publicKey")] public string? PublicKey { get; init; }
        [System.Text.Json.Serialization.JsonPropertyName("privateKey")] public string? PrivateKey { get; init; }
    }
}
