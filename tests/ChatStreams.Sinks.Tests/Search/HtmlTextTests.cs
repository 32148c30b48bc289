using ChatStreams.Sinks.Search;

namespace ChatStreams.Sinks.Tests.Search;

public sealed class HtmlTextTests
{
    [Theory]
    [InlineData("plain café 🎉", "plain café 🎉")]
    [InlineData("<img src=x onerror='alert(1)'> & \"more\"", "&lt;img src=x onerror=&#39;alert(1)&#39;&gt; &amp; &quot;more&quot;")]
    public void Only_the_characters_that_matter_in_html_are_escaped(string text, string expected) => Assert.Equal(expected, HtmlText.Escape(text));

    [Fact]
    public void A_prefix_is_escaped_and_never_splits_an_emoji()
    {
        Assert.Equal("a &lt; b", HtmlText.EscapedPrefix("a < b", 200));
        Assert.Equal("ab…", HtmlText.EscapedPrefix("ab🎉cd", 3)); // 🎉 is two UTF-16 units; the third would be its first half
        Assert.Equal("ab🎉…", HtmlText.EscapedPrefix("ab🎉cd", 4));
    }
}
