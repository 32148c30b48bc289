using Microsoft.Extensions.Options;

namespace ChatStreams.Media.Tests;

public sealed class MediaLimitsTests
{
    [Theory]
    [InlineData("image/png", "image/png")]
    [InlineData(" Image/JPEG; charset=binary", "image/jpeg")]
    [InlineData("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")]
    [InlineData("image", null)]
    [InlineData("image/", null)]
    [InlineData("image/*", null)]
    [InlineData("a/b/c", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void Content_types_are_normalized(string? given, string? expected) => Assert.Equal(expected, MediaLimits.Normalize(given));

    [Theory]
    [InlineData("image/png", true)]
    [InlineData("video/mp4", true)]
    [InlineData("audio/mpeg", true)]
    [InlineData("application/pdf", true)]
    [InlineData("application/zip", true)]
    [InlineData("text/plain", true)]
    [InlineData("image/svg+xml", false)] // runs scripts in a browser
    [InlineData("text/html", false)]
    [InlineData("application/x-msdownload", false)]
    [InlineData("application/octet-stream", false)]
    public void The_defaults_take_media_and_documents_but_nothing_a_browser_runs(string type, bool allowed) =>
        Assert.Equal(allowed, new MediaLimits(new MediaOptions()).Allows(type));

    [Fact]
    public void Configured_types_replace_the_defaults_and_may_be_wildcards()
    {
        var limits = new MediaLimits(new MediaOptions { AllowedContentTypes = ["image/*", "Application/PDF"] });
        Assert.True(limits.Allows("image/svg+xml"));
        Assert.True(limits.Allows("application/pdf"));
        Assert.False(limits.Allows("video/mp4"));
        Assert.False(limits.Allows("imagefoo/png"));
    }

    [Theory]
    [InlineData("photo.jpg", "photo.jpg")]
    [InlineData("C:\\Users\\me\\report.pdf", "report.pdf")]
    [InlineData("../../etc/passwd", "passwd")]
    [InlineData("a\u0000b\nc.txt", "abc.txt")]
    [InlineData("folder/", null)]
    [InlineData("..", null)]
    [InlineData("  ", null)]
    public void File_names_keep_only_the_last_segment_without_control_characters(string given, string? expected) =>
        Assert.Equal(expected, MediaLimits.CleanFileName(given));

    [Fact]
    public void Long_file_names_are_cut() => Assert.Equal(MediaLimits.MaxFileNameLength, MediaLimits.CleanFileName(new string('x', 1000) + ".png")!.Length);

    [Theory]
    [InlineData(25L * 1024 * 1024, "25 MiB")]
    [InlineData(1536L * 1024, "1.5 MiB")]
    [InlineData(2048L, "2 KiB")]
    [InlineData(100L, "100 bytes")]
    public void Limits_are_described_for_people(long bytes, string text) => Assert.Equal(text, MediaLimits.Describe(bytes));

    [Fact]
    public void Bad_settings_are_named()
    {
        var result = new MediaOptionsValidator().Validate(null, new MediaOptions
        {
            Store = "ftp", Catalog = "mongo", MaxSizeBytes = 0, AllowedContentTypes = ["pictures"], UrlLifetime = TimeSpan.FromDays(30),
        });
        Assert.True(result.Failed);
        foreach (var setting in new[] { "Media__Store", "Media__MongoUrl", "Media__MaxSizeBytes", "Media__AllowedContentTypes", "Media__UrlLifetime" })
            Assert.Contains(setting, result.FailureMessage);
        var s3 = new MediaOptionsValidator().Validate(null, new MediaOptions { Store = "s3", S3 = new S3MediaOptions { Bucket = "", AccessKey = "x" } });
        Assert.Contains("Media__S3__Bucket", s3.FailureMessage);
        Assert.Contains("Media__S3__SecretKey", s3.FailureMessage);
        Assert.Equal(ValidateOptionsResult.Success, new MediaOptionsValidator().Validate(null, new MediaOptions()));
    }
}
