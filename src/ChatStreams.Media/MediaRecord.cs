namespace ChatStreams.Media;

/// <summary>
/// One upload as the catalog keeps it: who uploaded what for which conversation. Who may download it follows from
/// <see cref="ConversationId"/>; <see cref="UploadedAt"/> is set once the bytes were seen in the store with the declared
/// size and content type.
/// </summary>
public sealed record MediaRecord(
    string MediaId,
    string OwnerId,
    string ConversationId,
    string FileName,
    string ContentType,
    long Size,
    DateTimeOffset CreatedAt,
    DateTimeOffset? UploadedAt = null)
{
    /// <summary>A new media id: 128 random bits as 32 lower-case hex digits (safe in paths, keys and URLs).</summary>
    public static string NewId() => System.Security.Cryptography.RandomNumberGenerator.GetHexString(32, lowercase: true);

    /// <summary>True for ids of the form <see cref="NewId"/> makes; anything else never reaches a file path or an object key.</summary>
    public static bool IsValidId(string? id) => id is { Length: 32 } && id.All(char.IsAsciiHexDigitLower);
}
