using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Konscious.Security.Cryptography;
using Microsoft.Extensions.Options;

namespace ChatStreams.Identity;

/// <summary>
/// Argon2id password hashes in the PHC string format (<c>$argon2id$v=19$m=19456,t=2,p=1$salt$hash</c>), the format of
/// the reference implementation, so hashes stay verifiable by other tools and after the cost settings change.
/// </summary>
public sealed class PasswordHasher
{
    private const int SaltBytes = 16;
    private const int HashBytes = 32;
    private const int Argon2Version = 19; // 0x13, the only version Konscious implements
    private const string Prefix = "$argon2id$";

    private readonly Argon2Parameters _parameters;

    public PasswordHasher(IOptions<IdentityOptions> options)
    {
        _parameters = Argon2Parameters.From(options.Value);
        if (!_parameters.IsWithinBounds)
        {
            throw new ArgumentException(
                $"Argon2 parameters m={_parameters.MemoryKiB} KiB, t={_parameters.Iterations}, p={_parameters.Parallelism} are out of range.",
                nameof(options));
        }
    }

    /// <summary>The parameters new hashes are made with.</summary>
    public Argon2Parameters Parameters => _parameters;

    public string Hash(string password)
    {
        ArgumentException.ThrowIfNullOrEmpty(password); // Argon2 (Konscious) refuses an empty password
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Derive(password, salt, _parameters, HashBytes);
        return string.Create(CultureInfo.InvariantCulture,
            $"{Prefix}v={Argon2Version}$m={_parameters.MemoryKiB},t={_parameters.Iterations},p={_parameters.Parallelism}${EncodeB64(salt)}${EncodeB64(hash)}");
    }

    /// <summary>
    /// True when <paramref name="password"/> matches <paramref name="encoded"/>. The cost parameters come from the encoded
    /// string; anything malformed is simply "no match", so a damaged row can never crash a login.
    /// </summary>
    public bool Verify(string password, string encoded)
    {
        if (string.IsNullOrEmpty(password) || !TryParse(encoded, out var stored))
        {
            return false;
        }

        var actual = Derive(password, stored.Salt, stored.Parameters, stored.Hash.Length);
        return CryptographicOperations.FixedTimeEquals(actual, stored.Hash);
    }

    /// <summary>True when the hash was made with other parameters (or is unreadable) and should be replaced at the next login.</summary>
    public bool NeedsRehash(string encoded) =>
        !TryParse(encoded, out var stored)
        || stored.Parameters != _parameters
        || stored.Salt.Length != SaltBytes
        || stored.Hash.Length != HashBytes;

    private static byte[] Derive(string password, byte[] salt, Argon2Parameters parameters, int length)
    {
        using var argon2 = new Argon2id(Encoding.UTF8.GetBytes(password))
        {
            Salt = salt,
            MemorySize = parameters.MemoryKiB,
            Iterations = parameters.Iterations,
            DegreeOfParallelism = parameters.Parallelism,
        };
        return argon2.GetBytes(length);
    }

    private readonly record struct StoredHash(Argon2Parameters Parameters, byte[] Salt, byte[] Hash);

    private static bool TryParse(string? encoded, out StoredHash stored)
    {
        stored = default;
        if (encoded is null || encoded.Length > 512 || !encoded.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        // After the prefix: "v=19", "m=..,t=..,p=..", salt, hash.
        var parts = encoded[Prefix.Length..].Split('$');
        if (parts.Length != 4 || parts[0] != "v=19" || !TryParseParameters(parts[1], out var parameters))
        {
            return false;
        }

        if (!TryDecodeB64(parts[2], out var salt) || salt.Length is < 8 or > 64
            || !TryDecodeB64(parts[3], out var hash) || hash.Length is < 16 or > 64)
        {
            return false;
        }

        stored = new StoredHash(parameters, salt, hash);
        return true;
    }

    private static bool TryParseParameters(string text, out Argon2Parameters parameters)
    {
        parameters = default;
        var fields = text.Split(',');
        if (fields.Length != 3
            || !TryParseField(fields[0], "m=", out var memory)
            || !TryParseField(fields[1], "t=", out var iterations)
            || !TryParseField(fields[2], "p=", out var parallelism))
        {
            return false;
        }

        parameters = new Argon2Parameters(memory, iterations, parallelism);
        return parameters.IsWithinBounds;
    }

    private static bool TryParseField(string field, string name, out int value)
    {
        value = 0;
        return field.StartsWith(name, StringComparison.Ordinal)
            && int.TryParse(field.AsSpan(name.Length), NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    // PHC strings use standard base64 without padding.
    private static string EncodeB64(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=');

    private static bool TryDecodeB64(string text, out byte[] bytes)
    {
        bytes = [];
        if (text.Length == 0 || text.Length % 4 == 1)
        {
            return false;
        }

        var padded = text.Length % 4 == 0 ? text : text + new string('=', 4 - text.Length % 4);
        var buffer = new byte[padded.Length / 4 * 3];
        if (!Convert.TryFromBase64String(padded, buffer, out var written))
        {
            return false;
        }

        bytes = buffer[..written];
        return true;
    }
}
