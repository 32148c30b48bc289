using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace ChatStreams.Identity;

/// <summary>
/// The symmetric key that signs and checks access tokens, loaded from <see cref="IdentityOptions.SigningKey"/> or
/// <see cref="IdentityOptions.SigningKeyFile"/>.
/// </summary>
public sealed class TokenSigningKey
{
    /// <summary>HS256 needs a key at least as long as its output; shorter keys are brute-forceable.</summary>
    public const int MinimumBytes = 32;

    private const int GeneratedBytes = 64;
    private const string HowToConfigure =
        "Set Auth__SigningKey to base64 of at least 32 random bytes (for example the output of `openssl rand -base64 48`), " +
        "or set Auth__SigningKeyFile to a path where a key is kept (a missing file is created with a new random key).";

    private TokenSigningKey(byte[] bytes, string source)
    {
        SecurityKey = new SymmetricSecurityKey(bytes) { KeyId = KeyIdOf(bytes) };
        Source = source;
    }

    public SymmetricSecurityKey SecurityKey { get; }

    /// <summary>Where the key came from (a setting name or a file path), for logs; never the key itself.</summary>
    public string Source { get; }

    /// <summary>Loads the configured key, creating the key file when that is what is configured and it is missing.</summary>
    /// <exception cref="SigningKeyException">Nothing is configured, or the key is malformed or too short.</exception>
    public static TokenSigningKey Load(IdentityOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!string.IsNullOrWhiteSpace(options.SigningKey))
        {
            return FromBase64(options.SigningKey, "Auth__SigningKey");
        }

        if (!string.IsNullOrWhiteSpace(options.SigningKeyFile))
        {
            return LoadOrCreateFile(options.SigningKeyFile);
        }

        throw new SigningKeyException("No token signing key is configured. " + HowToConfigure);
    }

    /// <exception cref="SigningKeyException">The text is not base64 or decodes to fewer than 32 bytes.</exception>
    public static TokenSigningKey FromBase64(string base64, string source)
    {
        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(base64.Trim());
        }
        catch (FormatException e)
        {
            throw new SigningKeyException($"The token signing key from {source} is not valid base64. " + HowToConfigure, e);
        }

        if (bytes.Length < MinimumBytes)
        {
            throw new SigningKeyException(
                $"The token signing key from {source} is {bytes.Length} bytes; at least {MinimumBytes} random bytes are required. " +
                HowToConfigure);
        }

        return new TokenSigningKey(bytes, source);
    }

    /// <summary>
    /// Reads the key file, creating it first when missing. Several processes may start at once: each writes a complete
    /// candidate to its own temporary file and publishes it only if no key exists yet (atomically), so exactly one
    /// candidate wins, nobody ever reads a half-written key, and everybody then reads the winner.
    /// </summary>
    public static TokenSigningKey LoadOrCreateFile(string path)
    {
        var fullPath = Path.GetFullPath(path);
        for (var attempt = 0; attempt < 3; attempt++)
        {
            if (TryReadFile(fullPath) is { } existing)
            {
                return existing;
            }

            TryCreateFile(fullPath);
        }

        throw new SigningKeyException($"The token signing key file {fullPath} could not be created or read back; check the folder is writable.");
    }

    private static TokenSigningKey? TryReadFile(string fullPath)
    {
        string text;
        try
        {
            text = File.ReadAllText(fullPath);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SigningKeyException($"The token signing key file {fullPath} cannot be read: {e.Message}", e);
        }

        if (string.IsNullOrWhiteSpace(text))
        {
            throw new SigningKeyException(
                $"The token signing key file {fullPath} is empty. Delete it to have a new key generated, or write base64 of at least {MinimumBytes} random bytes into it.");
        }

        return FromBase64(text, fullPath);
    }

    private static void TryCreateFile(string fullPath)
    {
        var folder = Path.GetDirectoryName(fullPath)!;
        var candidate = Path.Combine(folder, $".{Path.GetFileName(fullPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            Directory.CreateDirectory(folder);
            var streamOptions = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                // The key must never be readable by other users, not even for the moment before a chmod.
                streamOptions.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using (var stream = new FileStream(candidate, streamOptions))
            using (var writer = new StreamWriter(stream))
            {
                writer.WriteLine(Convert.ToBase64String(RandomNumberGenerator.GetBytes(GeneratedBytes)));
                writer.Flush();
                stream.Flush(flushToDisk: true);
            }

            // When another process got there first this does nothing and the caller reads their key.
            ExclusiveFile.TryPublish(candidate, fullPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SigningKeyException($"The token signing key file {fullPath} cannot be created: {e.Message}", e);
        }
        finally
        {
            TryDelete(candidate);
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A leftover temporary file holds an unused key and is harmless.
        }
    }

    /// <summary>A short fingerprint so logs and token headers can tell keys apart without revealing them.</summary>
    private static string KeyIdOf(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes).AsSpan(0, 8));
}
