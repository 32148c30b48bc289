using ChatStreams.Edge.Tests.Support;

namespace ChatStreams.Edge.Tests.Media;

public sealed class MediaAttachmentsTests
{
    [Fact]
    public async Task Attachments_carry_the_catalogs_metadata_in_the_order_sent()
    {
        using var media = new TestMedia();
        var pdf = await media.AddAsync("alice", "c1", contentType: "application/pdf", size: 40);
        var png = await media.AddAsync("alice", "c1", size: 16);
        var (attachments, problem) = await media.Attachments.ResolveAsync("alice", "c1", [pdf.MediaId, png.MediaId], default);
        Assert.Null(problem);
        Assert.Equal([(pdf.MediaId, "application/pdf", "photo.png", 40L), (png.MediaId, "image/png", "photo.png", 16L)],
            attachments!.Select(a => (a.MediaId, a.ContentType!, a.FileName!, a.SizeBytes!.Value)));
        Assert.NotNull((await media.Catalog.FindAsync(png.MediaId, default))!.UploadedAt); // confirmed once, remembered
    }

    [Fact]
    public async Task One_bad_attachment_refuses_the_whole_message()
    {
        using var media = new TestMedia();
        var good = await media.AddAsync("alice", "c1");
        var foreign = await media.AddAsync("mallory", "c1");
        var (attachments, problem) = await media.Attachments.ResolveAsync("alice", "c1", [good.MediaId, foreign.MediaId], default);
        Assert.Null(attachments);
        Assert.Contains(foreign.MediaId, problem);
    }
}
