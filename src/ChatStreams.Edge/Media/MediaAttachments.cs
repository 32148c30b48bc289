using ChatStreams.Media;
using ChatStreams.Media.Catalog;
using chatstreams.v1;

namespace ChatStreams.Edge.Media;

/// <summary>
/// Turns the media ids of a <c>send</c> into the message's attachments: each must be in the catalog, uploaded by the
/// sender for this very conversation, and in the store as declared. The content type, file name and size come from
/// the catalog (never from the client), so every receiver sees what was really uploaded.
/// </summary>
public sealed class MediaAttachments(IMediaCatalog catalog, UploadConfirmation uploads)
{
    public async Task<(IReadOnlyList<Attachment>? Attachments, string? Problem)> ResolveAsync(
        string senderId, string conversationId, IReadOnlyList<string> mediaIds, CancellationToken ct)
    {
        var attachments = new List<Attachment>(mediaIds.Count);
        foreach (var mediaId in mediaIds)
        {
            var record = MediaRecord.IsValidId(mediaId) ? await catalog.FindAsync(mediaId, ct).ConfigureAwait(false) : null;
            // Someone else's media and unknown ids get the same answer: ids are not to be probed.
            if (record is null || record.OwnerId != senderId)
                return (null, $"attachment '{mediaId}' is not a file you uploaded; upload it with POST /api/media and attach the mediaId it returns");
            if (record.ConversationId != conversationId)
                return (null, $"attachment '{mediaId}' was uploaded for conversation '{record.ConversationId}', not '{conversationId}'; upload it again for this conversation");
            var state = await uploads.ConfirmAsync(record, ct).ConfigureAwait(false);
            if (state.Status != UploadStatus.Uploaded) return (null, $"attachment '{mediaId}': {state.Problem}");
            attachments.Add(new Attachment { MediaId = record.MediaId, ContentType = record.ContentType, FileName = record.FileName, SizeBytes = record.Size });
        }
        return (attachments, null);
    }
}
