using ChatStreams.Bench.BrokerBench;

namespace ChatStreams.Bench.Tests;

public class BrokerBenchSettingsTests
{
    [Fact]
    public void Defaults_fit_in_the_mock_cluster()
    {
        var defaults = new BrokerBenchSettings();
        Assert.Empty(defaults.Problems());
        Assert.True(defaults.Records <= defaults.MaxRecordsForMock);
    }

    [Fact]
    public void More_records_than_the_mock_keeps_are_refused_with_the_largest_usable_count()
    {
        var settings = new BrokerBenchSettings { Records = 400_000, RecordSize = 200, Partitions = 12 };

        var problem = Assert.Single(settings.Problems());

        // 90 % of 5 MiB per partition / (200 + 16) bytes per record, times 12 partitions.
        Assert.Equal(262_140, settings.MaxRecordsForMock);
        Assert.Contains("262,140", problem);
        Assert.Contains("5 MiB", problem);
    }

    [Fact]
    public void Nonsense_sizes_are_refused_by_option_name()
    {
        var problems = new BrokerBenchSettings { Records = 0, Partitions = 0 }.Problems();
        Assert.Contains(problems, p => p.StartsWith("--records"));
        Assert.Contains(problems, p => p.StartsWith("--partitions"));
    }
}
