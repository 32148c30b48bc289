using System.Buffers.Binary;
using System.Net.Sockets;
using ChatStreams.Kafka.Broker.Tests.Support;
using static ChatStreams.Kafka.Broker.Tests.Support.RawFrames;
using Confluent.Kafka;

namespace ChatStreams.Kafka.Broker.Tests.Client;

/// <summary>Garbage on the wire gets an error or a closed connection, never a dead broker.</summary>
public sealed class MalformedRequestTests
{
    /// <returns>The response body, or null when the broker closed the connection or (for a frame that
    /// announces more bytes than were sent) is still waiting for the rest.</returns>
    private static async Task<byte[]?> SendAsync(int port, byte[] frame, int waitMs = 5000)
    {
        using var client = new TcpClient();
        await client.ConnectAsync("127.0.0.1", port);
        var stream = client.GetStream();
        await stream.WriteAsync(frame);
        var size = new byte[4];
        try
        {
            await stream.ReadExactlyAsync(size).AsTask().WaitAsync(TimeSpan.FromMilliseconds(waitMs));
        }
        catch (Exception e) when (e is EndOfStreamException or IOException or TimeoutException)
        {
            return null;
        }
        var body = new byte[BinaryPrimitives.ReadInt32BigEndian(size)];
        await stream.ReadExactlyAsync(body);
        return body;
    }

    [Fact]
    public async Task An_unknown_ApiVersions_version_gets_a_v0_error_listing_supported_versions()
    {
        await using var broker = await InProcessBroker.StartAsync();
        var response = await SendAsync(broker.Broker.Port, Frame(Int16(18), Int16(99), Int32(7), Int16(-1)));
        Assert.NotNull(response);
        Assert.Equal(7, BinaryPrimitives.ReadInt32BigEndian(response));
        Assert.Equal(35, BinaryPrimitives.ReadInt16BigEndian(response.AsSpan(4))); // UNSUPPORTED_VERSION
        var count = BinaryPrimitives.ReadInt32BigEndian(response.AsSpan(6));
        var keys = Enumerable.Range(0, count).Select(i => BinaryPrimitives.ReadInt16BigEndian(response.AsSpan(10 + i * 6))).ToList();
        Assert.Contains((short)18, keys);
    }

    [Fact]
    public async Task A_truncated_request_gets_an_error_response_and_the_broker_keeps_serving()
    {
        await using var broker = await InProcessBroker.StartAsync();
        // InitProducerId v0 whose body stops in the middle of the transactional id.
        var response = await SendAsync(broker.Broker.Port, Frame(Int16(22), Int16(0), Int32(11), Int16(-1), Int16(50), [1, 2, 3]));
        Assert.NotNull(response);
        Assert.Equal(11, BinaryPrimitives.ReadInt32BigEndian(response));
        Assert.Equal(42, BinaryPrimitives.ReadInt16BigEndian(response.AsSpan(8))); // INVALID_REQUEST after throttle time

        // Random bytes, absurd sizes, unknown APIs: each connection may be closed, the broker stays up.
        var random = new Random(42);
        for (var i = 0; i < 200; i++)
        {
            var junk = new byte[random.Next(1, 64)];
            random.NextBytes(junk);
            await SendAsync(broker.Broker.Port, i % 3 == 0 ? junk : Frame(junk), waitMs: 200);
        }
        Assert.Null(await SendAsync(broker.Broker.Port, Frame(Int16(1000), Int16(0), Int32(1), Int16(-1)))); // unknown API: closed
        Assert.Null(await SendAsync(broker.Broker.Port, [0x7F, 0xFF, 0xFF, 0xFF, 1, 2])); // 2 GiB frame: closed

        await broker.CreateTopicAsync("still-alive", 1);
        using var producer = new ProducerBuilder<Null, string>(new ProducerConfig { BootstrapServers = broker.BootstrapServers }).Build();
        var report = await producer.ProduceAsync("still-alive", new Message<Null, string> { Value = "yes" });
        Assert.Equal(0, report.Offset.Value);
    }

    [Fact]
    public async Task A_corrupted_record_batch_is_refused_with_CORRUPT_MESSAGE()
    {
        await using var broker = await InProcessBroker.StartAsync();
        await broker.CreateTopicAsync("crc", 1);
        // Produce v3 with one batch whose CRC is wrong.
        var batch = new byte[61 + 8];
        BinaryPrimitives.WriteInt32BigEndian(batch.AsSpan(8), batch.Length - 12);
        batch[16] = 2; // magic
        BinaryPrimitives.WriteUInt32BigEndian(batch.AsSpan(17), 0xDEADBEEF);
        BinaryPrimitives.WriteInt64BigEndian(batch.AsSpan(43), -1);
        BinaryPrimitives.WriteInt16BigEndian(batch.AsSpan(51), -1);
        BinaryPrimitives.WriteInt32BigEndian(batch.AsSpan(53), -1);
        BinaryPrimitives.WriteInt32BigEndian(batch.AsSpan(57), 1);
        byte[] topic = [.. Int16(3), .. "crc"u8.ToArray()];
        var response = await SendAsync(broker.Broker.Port, Frame(
            Int16(0), Int16(3), Int32(5), Int16(-1),
            Int16(-1), Int16(1), Int32(1000), Int32(1), topic, Int32(1), Int32(0), Int32(batch.Length), batch));
        Assert.NotNull(response);
        // correlation, topics[1], name, partitions[1], index, error
        var at = 4 + 4 + 2 + 3 + 4 + 4;
        Assert.Equal(2, BinaryPrimitives.ReadInt16BigEndian(response.AsSpan(at))); // CORRUPT_MESSAGE
        Assert.Equal(0, broker.Broker.Catalog.Find("crc")!.Partition(0)!.HighWatermark);
    }
}
