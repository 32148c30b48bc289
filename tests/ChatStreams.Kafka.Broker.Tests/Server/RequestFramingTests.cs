using System.Buffers.Binary;
using System.Net.Sockets;
using ChatStreams.Kafka.Broker.Tests.Support;
using static ChatStreams.Kafka.Broker.Tests.Support.RawFrames;
using Confluent.Kafka;

namespace ChatStreams.Kafka.Broker.Tests.Server;

/// <summary>
/// Whatever way a client's bytes arrive (many requests in one segment, one request cut into many pieces, produce requests
/// of hundreds of KiB between small ones), each request is answered once, whole and in order: the framing any change to
/// how a connection reads requests or sends responses must keep.
/// </summary>
public sealed class RequestFramingTests
{
    /// <summary>ApiVersions v0 (header v1 without a client id, an empty body).</summary>
    private static byte[] ApiVersionsV0(int correlationId) => Frame(Int16(18), Int16(0), Int32(correlationId), Int16(-1));

    private static async Task<TcpClient> ConnectAsync(InProcessBroker broker)
    {
        var client = new TcpClient { NoDelay = true };
        await client.ConnectAsync("127.0.0.1", broker.Broker.Port);
        return client;
    }

    private static async Task<List<int>> ReadCorrelationIdsAsync(NetworkStream stream, int count)
    {
        var ids = new List<int>();
        var size = new byte[4];
        for (var i = 0; i < count; i++)
        {
            await stream.ReadExactlyAsync(size).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            var body = new byte[BinaryPrimitives.ReadInt32BigEndian(size)];
            await stream.ReadExactlyAsync(body).AsTask().WaitAsync(TimeSpan.FromSeconds(10));
            Assert.Equal(0, BinaryPrimitives.ReadInt16BigEndian(body.AsSpan(4))); // no error
            ids.Add(BinaryPrimitives.ReadInt32BigEndian(body));
        }
        return ids;
    }

    [Fact]
    public async Task Requests_sent_back_to_back_in_one_write_are_each_answered_in_order()
    {
        await using var broker = await InProcessBroker.StartAsync();
        using var client = await ConnectAsync(broker);
        var stream = client.GetStream();

        await stream.WriteAsync(Enumerable.Range(1, 300).SelectMany(ApiVersionsV0).ToArray());

        Assert.Equal(Enumerable.Range(1, 300), await ReadCorrelationIdsAsync(stream, 300));
    }

    [Fact]
    public async Task Requests_cut_at_every_boundary_are_each_answered_in_order()
    {
        await using var broker = await InProcessBroker.StartAsync();
        using var client = await ConnectAsync(broker);
        var stream = client.GetStream();
        var bytes = Enumerable.Range(1, 40).SelectMany(ApiVersionsV0).ToArray();

        // Pieces of 1 to 23 bytes with pauses, so the broker sees size prefixes and bodies split everywhere.
        var random = new Random(7);
        for (var at = 0; at < bytes.Length;)
        {
            var n = Math.Min(random.Next(1, 24), bytes.Length - at);
            await stream.WriteAsync(bytes.AsMemory(at, n));
            at += n;
            if (random.Next(4) == 0) await Task.Delay(2);
        }

        Assert.Equal(Enumerable.Range(1, 40), await ReadCorrelationIdsAsync(stream, 40));
    }

    [Fact]
    public async Task Records_far_larger_than_a_socket_read_arrive_whole_between_small_ones()
    {
        await using var broker = await InProcessBroker.StartAsync();
        await broker.CreateTopicAsync("framing", 1);
        var random = new Random(11);
        // 1 KiB, 300 KiB, 1 KiB, 900 KiB, 10 bytes: produce requests far larger than one socket read between small ones.
        var values = new[] { 1024, 300 * 1024, 1024, 900 * 1024, 10 }.Select(n =>
        {
            var value = new byte[n];
            random.NextBytes(value);
            return value;
        }).ToList();

        using (var producer = new ProducerBuilder<Null, byte[]>(new ProducerConfig
               {
                   BootstrapServers = broker.BootstrapServers, EnableIdempotence = true, LingerMs = 0, CompressionType = CompressionType.None, MessageTimeoutMs = 20_000,
               }).Build())
        {
            foreach (var value in values) await producer.ProduceAsync("framing", new Message<Null, byte[]> { Value = value });
        }

        using var consumer = new ConsumerBuilder<Ignore, byte[]>(new ConsumerConfig
        {
            BootstrapServers = broker.BootstrapServers, GroupId = "framing", AutoOffsetReset = AutoOffsetReset.Earliest,
        }).Build();
        consumer.Subscribe("framing");
        var read = new List<byte[]>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (read.Count < values.Count && DateTime.UtcNow < deadline)
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { } result) read.Add(result.Message.Value);

        Assert.Equal(values.Count, read.Count);
        for (var i = 0; i < values.Count; i++) Assert.True(values[i].AsSpan().SequenceEqual(read[i]), $"record {i} differs");
    }
}
