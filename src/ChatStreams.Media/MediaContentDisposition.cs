using System.Text;

namespace ChatStreams.Media;

/// <summary>
/// The Content-Disposition of a download: images, video and audio open in place (previews); every other type is a
/// download, so a document never renders in the site's origin. The name is given twice (RFC 6266): an ASCII fallback
/// and the UTF-8 original.
/// </summary>
public static class MediaContentDisposition
{
    public static string For(MediaRecord record)
    {
        var inline = record.ContentType.StartsWith("image/", StringComparison.Ordinal)
            || record.ContentType.StartsWith("video/", StringComparison.Ordinal)
            || record.ContentType.StartsWith("audio/", StringComparison.Ordinal);
        var ascii = new StringBuilder();
        foreach (var c in record.FileName) ascii.Append(c is >= ' ' and < (char)127 and not '"' and not '\\' ? c : '_');
        return $"{(inline ? "inline" : "attachment")}; filename=\"{ascii}\"; filename*=UTF-8''{Uri.EscapeDataString(record.FileName)}";
    }
}
