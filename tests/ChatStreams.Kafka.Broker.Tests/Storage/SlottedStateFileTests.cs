using System.Text;
using ChatStreams.Kafka.Broker.Storage;
using ChatStreams.Kafka.Broker.Tests.Support;
using Confluent.Kafka;

namespace ChatStreams.Kafka.Broker.Tests.Storage;

public sealed class SlottedStateFileTests : IDisposable
{
    private readonly Storage.TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    private string StatePath => Path.Combine(_temp.Path, "state.json");

    [Fact]
    public void The_last_write_is_what_a_reopen_reads_whatever_the_lengths()
    {
        using (var file = SlottedStateFile.Open(StatePath, out var none))
        {
            Assert.Null(none);
            for (var i = 0; i < 25; i++) file.Write(Encoding.UTF8.GetBytes(new string('x', (i * 37) % 300) + $"state-{i}"));
            file.Write("short"u8);
        }

        using (SlottedStateFile.Open(StatePath, out var content)) Assert.Equal("short", Encoding.UTF8.GetString(content!));
        Assert.Equal("short", Encoding.UTF8.GetString(SlottedStateFile.ReadLatest(StatePath)!));
        Assert.All(SlottedStateFile.SlotPaths(StatePath), p => Assert.True(File.Exists(p)));
        Assert.False(File.Exists(StatePath + AtomicFile.TemporarySuffix));
    }

    [Fact]
    public void A_write_torn_by_a_crash_leaves_the_state_before_it()
    {
        using (var file = SlottedStateFile.Open(StatePath, out _))
        {
            file.Write("first"u8);
            file.Write("second state, longer than the first"u8);
        }
        // The second write went to slot 1: tear it (its tail never reached the disk).
        var torn = SlottedStateFile.SlotPaths(StatePath)[1];
        using (var stream = new FileStream(torn, FileMode.Open)) stream.SetLength(stream.Length - 5);

        using (var file = SlottedStateFile.Open(StatePath, out var content))
        {
            Assert.Equal("first", Encoding.UTF8.GetString(content!));
            file.Write("third"u8); // goes over the torn slot, keeping "first" until it is safely down
        }
        Assert.Equal("third", Encoding.UTF8.GetString(SlottedStateFile.ReadLatest(StatePath)!));
    }

    [Fact]
    public void A_flipped_byte_makes_a_slot_invalid_and_two_bad_slots_read_as_no_state()
    {
        using (var file = SlottedStateFile.Open(StatePath, out _))
        {
            file.Write("first"u8);
            file.Write("second"u8);
        }
        Flip(SlottedStateFile.SlotPaths(StatePath)[1], 22);
        Assert.Equal("first", Encoding.UTF8.GetString(SlottedStateFile.ReadLatest(StatePath)!));

        Flip(SlottedStateFile.SlotPaths(StatePath)[0], 9); // inside the version: the checksum covers it too
        Assert.Null(SlottedStateFile.ReadLatest(StatePath));
    }

    [Fact]
    public async Task A_broker_carries_the_state_file_of_an_earlier_version_over_into_the_slots()
    {
        using var data = new Support.TempDirectory("broker");
        var legacy = Path.Combine(data.Path, "transactions.json");
        await using (var broker = await InProcessBroker.StartAsync(data.Path))
        {
            await broker.CreateTopicAsync("t", 1);
            using var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = broker.BootstrapServers, TransactionalId = "carried" }).Build();
            producer.InitTransactions(TimeSpan.FromSeconds(30));
            producer.BeginTransaction();
            await producer.ProduceAsync("t", new Message<string, string> { Key = "k", Value = "v" });
            producer.CommitTransaction(TimeSpan.FromSeconds(30));
        }
        // Rewrite the data directory as the earlier version left it: one JSON file, no slots.
        File.WriteAllBytes(legacy, SlottedStateFile.ReadLatest(legacy)!);
        foreach (var slot in SlottedStateFile.SlotPaths(legacy)) File.Delete(slot);

        await using (await InProcessBroker.StartAsync(data.Path)) { }

        Assert.False(File.Exists(legacy));
        Assert.Contains("\"carried\"", Encoding.UTF8.GetString(SlottedStateFile.ReadLatest(legacy)!));
    }

    private static void Flip(string path, int position)
    {
        var bytes = File.ReadAllBytes(path);
        bytes[position] ^= 0x40;
        File.WriteAllBytes(path, bytes);
    }
}
