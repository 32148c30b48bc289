using ChatStreams.Topologies.FanOut;

namespace ChatStreams.Topologies.Tests.FanOut;

public sealed class NotificationPreviewTests
{
    [Theory]
    [InlineData("short", 10, "short")]
    [InlineData("exactly10!", 10, "exactly10!")]
    [InlineData("hello world, how are you", 10, "hello wor…")]
    [InlineData("hello    world", 10, "hello…")] // no dangling spaces before the ellipsis
    [InlineData("", 10, "")]
    [InlineData("anything", 0, "")]
    [InlineData("anything", 1, "…")]
    public void Shortens_to_the_length_with_an_ellipsis_when_cut(string body, int length, string expected) =>
        Assert.Equal(expected, NotificationPreview.Of(body, length));

    [Fact]
    public void Never_splits_a_text_element()
    {
        // 👍🏽 is two surrogate pairs (4 chars) forming one grapheme; 🇫🇷 is two regional indicators (4 chars).
        Assert.Equal("ab…", NotificationPreview.Of("ab👍🏽cdef", 5));
        Assert.Equal("ab👍🏽…", NotificationPreview.Of("ab👍🏽cdef", 7));
        Assert.Equal("🇫🇷…", NotificationPreview.Of("🇫🇷🇫🇷🇫🇷", 6));
        Assert.Equal("e\u0301…", NotificationPreview.Of("e\u0301e\u0301e\u0301", 4)); // e + combining acute stays whole
    }

    [Fact]
    public void A_preview_never_exceeds_the_length()
    {
        var body = string.Concat(Enumerable.Repeat("a👍🏽 ", 50));
        for (var length = 0; length < body.Length + 2; length++)
            Assert.True(NotificationPreview.Of(body, length).Length <= length, $"length {length}");
    }
}
