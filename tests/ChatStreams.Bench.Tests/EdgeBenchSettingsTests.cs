using ChatStreams.Bench.Edge;

namespace ChatStreams.Bench.Tests;

public class EdgeBenchSettingsTests
{
    private static EdgeBenchSettings Parse(string commandLine) => EdgeBenchCommand.SettingsFrom(EdgeBenchCommand.Create().Parse(commandLine));

    [Fact]
    public void Defaults_are_the_issue_s_sizes_at_half_the_edge_s_rate_limit()
    {
        var defaults = new EdgeBenchSettings();

        Assert.Empty(defaults.Problems());
        Assert.Equal((20, 100, 10.0, 50, 5), (defaults.Pairs, defaults.Messages, defaults.Rate, defaults.GroupSize, defaults.GroupSenders));
        Assert.Equal(20, EdgeBenchSettings.ConnectionRateLimit);
        Assert.Null(defaults.Url);
        Assert.Equal(500, defaults.GroupMessages);
    }

    [Fact]
    public void The_command_line_without_options_gives_the_defaults()
    {
        Assert.Equal(new EdgeBenchSettings(), Parse(""));
    }

    [Fact]
    public void Quick_sets_small_sizes_but_keeps_the_ones_given()
    {
        var quick = Parse("--quick --pairs 7 --output /tmp/x.md");

        Assert.True(quick.Quick);
        Assert.Equal(7, quick.Pairs);
        Assert.Equal(EdgeBenchSettings.QuickDefaults.Messages, quick.Messages);
        Assert.Equal(EdgeBenchSettings.QuickDefaults.GroupSize, quick.GroupSize);
        Assert.Equal(EdgeBenchSettings.QuickDefaults.GroupSenders, quick.GroupSenders);
        Assert.Equal("/tmp/x.md", quick.Output);
        Assert.Empty(quick.Problems());
    }

    [Fact]
    public void Every_option_reaches_the_settings()
    {
        var settings = Parse("--url http://127.0.0.1:8080 --pairs 3 --messages 40 --rate 2.5 --group-size 12 --group-senders 4 --output out.md");

        Assert.Equal(new EdgeBenchSettings { Url = "http://127.0.0.1:8080", Pairs = 3, Messages = 40, Rate = 2.5, GroupSize = 12, GroupSenders = 4, Output = "out.md" }, settings);
    }

    [Fact]
    public void Nonsense_is_refused_by_option_name_with_what_to_do()
    {
        var problems = new EdgeBenchSettings { Url = "localhost:8080", Pairs = 0, Messages = 0, Rate = 0, GroupSize = 1, GroupSenders = 0 }.Problems();

        Assert.Contains(problems, p => p.StartsWith("--url: 'localhost:8080' is not an http(s) URL"));
        Assert.Contains("--pairs must be at least 1.", problems);
        Assert.Contains("--messages must be at least 1.", problems);
        Assert.Contains(problems, p => p.StartsWith("--rate must be positive"));
        Assert.Contains(problems, p => p.StartsWith("--group-size must be at least 2"));
        Assert.Contains("--group-senders must be at least 1.", problems);
    }

    [Fact]
    public void A_rate_at_the_edge_s_limit_or_more_senders_than_members_is_refused()
    {
        var problems = new EdgeBenchSettings { Rate = 20, GroupSize = 3, GroupSenders = 4 }.Problems();

        Assert.Contains(problems, p => p.StartsWith("--rate 20 is not below the edge's limit of 20 frames/s per connection"));
        Assert.Contains("--group-senders (4) cannot exceed --group-size (3).", problems);
    }
}
