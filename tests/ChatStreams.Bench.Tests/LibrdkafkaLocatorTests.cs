using ChatStreams.Bench.Native;

namespace ChatStreams.Bench.Tests;

public class LibrdkafkaLocatorTests
{
    [Fact]
    public void Looks_beside_the_client_assembly_first_and_prefers_the_centos8_build()
    {
        var candidates = LibrdkafkaLocator.Candidates();
        var clientFolder = Path.GetDirectoryName(typeof(Confluent.Kafka.Library).Assembly.Location)!;
        var version = typeof(Confluent.Kafka.Library).Assembly.GetName().Version!.ToString(3);

        Assert.StartsWith(clientFolder, candidates[0]);
        Assert.EndsWith("centos8-librdkafka.so", candidates[0]);
        // Then the NuGet cache, for the librdkafka.redist matching Confluent.Kafka.
        Assert.Contains(candidates, c => c.Contains(Path.Combine("librdkafka.redist", version)));
    }

    [Fact]
    public void Missing_library_error_names_every_place_tried_and_what_to_do()
    {
        var missing = Path.Combine(Path.GetTempPath(), $"no-such-{Guid.NewGuid():N}", "librdkafka.so");

        var error = Assert.Throws<FileNotFoundException>(() => LibrdkafkaLocator.Load([missing]));

        Assert.Contains(missing + " (missing)", error.Message);
        Assert.Contains("dotnet restore", error.Message);
        Assert.Contains(LibrdkafkaLocator.PathVariable, error.Message);
    }

    [Fact]
    public void A_file_that_is_not_a_library_is_reported_as_not_loading()
    {
        var bogus = Path.GetTempFileName();
        try
        {
            File.WriteAllText(bogus, "not an ELF file");
            var error = Assert.Throws<FileNotFoundException>(() => LibrdkafkaLocator.Load([bogus]));
            Assert.Contains($"{bogus} (exists but did not load", error.Message);
        }
        finally
        {
            File.Delete(bogus);
        }
    }
}
