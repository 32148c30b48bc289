namespace ChatStreams.Media;

/// <summary>What an upload may be: its size and content type, from <see cref="MediaOptions"/>.</summary>
public sealed class MediaLimits(MediaOptions options)
{
    /// <summary>
    /// Images, video, audio, PDF, office and text documents, zip. Not image/svg+xml or text/html: a browser runs scripts
    /// in them, and a download URL is opened in a browser.
    /// </summary>
    public static readonly IReadOnlyList<string> DefaultContentTypes =
    [
        "image/jpeg", "image/png", "image/gif", "image/webp", "image/heic", "image/heif", "image/avif", "image/bmp",
        "video/mp4", "video/webm", "video/quicktime", "video/3gpp",
        "audio/mpeg", "audio/mp4", "audio/aac", "audio/ogg", "audio/webm", "audio/wav", "audio/x-wav", "audio/flac",
        "application/pdf",
        "text/plain", "text/csv", "text/markdown", "application/rtf",
        "application/msword", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "application/vnd.ms-excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "application/vnd.ms-powerpoint", "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.spreadsheet", "application/vnd.oasis.opendocument.presentation",
        "application/zip",
    ];

    public const int MaxFileNameLength = 255;

    public long MaxSizeBytes => options.MaxSizeBytes;

    public IReadOnlyList<string> AllowedContentTypes { get; } =
        (options.AllowedContentTypes is { Length: > 0 } configured ? configured : DefaultContentTypes)
        .Select(t => t.Trim().ToLowerInvariant()).ToArray();

    /// <summary>"Image/PNG; charset=x" becomes "image/png"; null when the text is not type/subtype.</summary>
    public static string? Normalize(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType)) return null;
        var bare = contentType.Split(';', 2)[0].Trim().ToLowerInvariant();
        var slash = bare.IndexOf('/');
        if (slash <= 0 || slash == bare.Length - 1 || bare.IndexOf('/', slash + 1) >= 0 || bare.Contains('*')) return null;
        return bare.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '.' or '+' or '-' or '_') ? bare : null;
    }

    public static bool IsWildcard(string type) => type.Trim().EndsWith("/*", StringComparison.Ordinal) && type.Trim().Length > 2;

    public bool Allows(string normalizedContentType) => AllowedContentTypes.Any(allowed =>
        IsWildcard(allowed) ? normalizedContentType.StartsWith(allowed[..^1], StringComparison.Ordinal) : allowed == normalizedContentType);

    /// <summary>
    /// The name a file is shown and downloaded under: the last path segment only (a client may send a full path),
    /// without control characters, at most <see cref="MaxFileNameLength"/> characters. Null when nothing is left.
    /// </summary>
    public static string? CleanFileName(string? fileName)
    {
        if (fileName is null) return null;
        var last = fileName.Split('/', '\\').Last();
        var clean = new string(last.Where(c => !char.IsControl(c)).ToArray()).Trim();
        if (clean is "" or "." or "..") return null;
        return clean.Length <= MaxFileNameLength ? clean : clean[..MaxFileNameLength];
    }

    /// <summary>"25 MiB" for the messages that name the limit.</summary>
    public static string Describe(long bytes) => bytes switch
    {
        >= 1024 * 1024 when bytes % (1024 * 1024) == 0 => $"{bytes / (1024 * 1024)} MiB",
        >= 1024 * 1024 => $"{bytes / (1024.0 * 1024):0.0} MiB",
        >= 1024 when bytes % 1024 == 0 => $"{bytes / 1024} KiB",
        _ => $"{bytes} bytes",
    };
}
