using System.CommandLine;
using ChatStreams.Bench.Topologies;

namespace ChatStreams.Bench.Tests;

public class TopologiesBenchSettingsTests
{
    /// <summary>Settings whose schema folder exists, so only the checked option can be the problem.</summary>
    private static TopologiesBenchSettings Valid => new() { SchemasFolder = AppContext.BaseDirectory };

    [Fact]
    public void Defaults_are_the_issue_s_group_sizes_with_one_message_count_and_rate_each()
    {
        var defaults = Valid;

        Assert.Empty(defaults.Problems());
        Assert.Equal([2, 50, 500], defaults.Sizes);
        Assert.Equal(12, defaults.Partitions);
        Assert.Equal(100, defaults.CommitIntervalMs);
        Assert.All(defaults.Sizes, size => Assert.True(defaults.RateFor(size) > 0));
    }

    [Fact]
    public void One_value_serves_every_size_and_a_list_goes_size_by_size()
    {
        var settings = Valid with { Sizes = [2, 50], Messages = [1_000], Rates = [40, 8] };

        Assert.Equal(1_000, settings.MessagesFor(2));
        Assert.Equal(1_000, settings.MessagesFor(50));
        Assert.Equal(40, settings.RateFor(2));
        Assert.Equal(8, settings.RateFor(50));
        Assert.Throws<ArgumentException>(() => settings.RateFor(7));
    }

    [Fact]
    public void Nonsense_is_refused_by_option_name()
    {
        var problems = (Valid with { Sizes = [1, 2_000], Messages = [1, 2, 3], Rates = [0], Partitions = 0, SchemasFolder = "/no/such/folder" }).Problems();

        Assert.Contains(problems, p => p.StartsWith("--sizes must be between 2 and 1000"));
        Assert.Contains(problems, p => p.StartsWith("--messages needs one value, or one per size (2)"));
        Assert.Contains(problems, p => p.StartsWith("--rate must be positive"));
        Assert.Contains(problems, p => p.StartsWith("--partitions"));
        Assert.Contains(problems, p => p.StartsWith("--schemas"));
    }

    [Theory]
    [InlineData(2, 48)]   // 1,000 fit, capped: more add nothing on 12 partitions
    [InlineData(50, 40)]  // 2,000 users
    [InlineData(500, 4)]  // 2,000 users
    [InlineData(1000, 4)] // at least a few, so more than one partition works
    public void Conversations_per_size_keep_the_user_count_near_two_thousand(int size, int conversations) =>
        Assert.Equal(conversations, TopologiesBenchSettings.ConversationsFor(size));

    [Fact]
    public void List_options_take_commas_or_spaces_and_name_a_bad_number()
    {
        var command = TopologiesBenchCommand.Create();
        var sizes = (Option<int[]>)command.Options.Single(o => o.Name == "--sizes");
        var rates = (Option<double[]>)command.Options.Single(o => o.Name == "--rate");

        var commas = command.Parse("--sizes 2,50 --rate 1.5,3");
        Assert.Empty(commas.Errors);
        Assert.Equal([2, 50], commas.GetValue(sizes)!);
        Assert.Equal([1.5, 3], commas.GetValue(rates)!);

        Assert.Equal([2, 50, 500], command.Parse("--sizes 2 50 500").GetValue(sizes)!);
        Assert.Equal([2, 50, 500], command.Parse("").GetValue(sizes)!);
        Assert.Contains(command.Parse("--sizes 2,fifty").Errors, e => e.Message.Contains("'fifty' is not a number"));
    }
}
