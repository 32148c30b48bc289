using System.Net;
using ChatStreams.Kafka.Broker.Cluster;
using ChatStreams.Kafka.Broker.Handlers;
using ChatStreams.Kafka.Broker.Protocol;
using ChatStreams.Kafka.Broker.Server;
using ChatStreams.Kafka.Broker.Tests.Records;
using ChatStreams.Kafka.Broker.Tests.Support;

namespace ChatStreams.Kafka.Broker.Tests.Partitions;

/// <summary>
/// A fetch response is sized before it is written (KafkaWriter.Reserve): it grows once, to about its length, instead of
/// doubling its way there and copying the records several times.
/// </summary>
public sealed class FetchResponseSizeTests : IDisposable
{
    private const long Producer = 1000;
    private readonly TestCatalog _topics = new();

    public FetchResponseSizeTests()
    {
        foreach (var topic in new[] { "chat.events", "delivery.edge-1" })
        {
            foreach (var (partition, p) in _topics.Create(topic, 3).Select((partition, p) => (partition, p)))
            {
                partition.AppendInternal(TestBatch.Of(37 + p), -1, transactional: false);
                // An aborted transaction, so read_committed answers list it.
                partition.AppendInternal(TestBatch.Of(5), Producer, transactional: true);
                partition.WriteMarker(Producer, 0, commit: false, coordinatorEpoch: 0);
                partition.AppendInternal(TestBatch.Of(11), -1, transactional: false);
            }
        }
    }

    [Theory]
    [InlineData(4, false)]
    [InlineData(4, true)]
    [InlineData(11, true)]
    [InlineData(12, true)]
    [InlineData(12, false)]
    public async Task A_fetch_response_grows_once_to_about_its_length(short version, bool readCommitted)
    {
        var response = new KafkaWriter();
        await new FetchHandler(_topics.Catalog, TimeProvider.System).HandleAsync(Request(version, readCommitted), response, CancellationToken.None);

        Assert.True(response.Length > 3 * 1024, $"the response holds the records ({response.Length} bytes)");
        // Doubling would leave up to the response's length unused; the reservation leaves only its per-field margin.
        Assert.True(response.Capacity - response.Length <= 512,
            $"a response of {response.Length} bytes left {response.Capacity - response.Length} bytes of its buffer unused");
    }

    private RequestContext Request(short version, bool readCommitted)
    {
        var w = new KafkaWriter();
        var flex = SupportedApis.IsFlexible(ApiKey.Fetch, version);
        w.Int32(-1); // replica
        w.Int32(0); // max wait: answer at once
        w.Int32(1); // min bytes
        w.Int32(10 * 1024 * 1024);
        w.Int8(readCommitted ? (sbyte)1 : (sbyte)0);
        if (version >= 7) { w.Int32(0); w.Int32(-1); }
        w.ArrayLength(2, flex);
        foreach (var topic in new[] { "chat.events", "delivery.edge-1" })
        {
            w.String(topic, flex);
            w.ArrayLength(3, flex);
            for (var p = 0; p < 3; p++)
            {
                w.Int32(p);
                if (version >= 9) w.Int32(-1);
                w.Int64(0);
                if (version >= 12) w.Int32(-1);
                if (version >= 5) w.Int64(-1);
                w.Int32(1024 * 1024);
                w.TaggedFields(flex);
            }
            w.TaggedFields(flex);
        }
        if (version >= 7) w.ArrayLength(0, flex);
        if (version >= 11) w.String("", flex);
        w.TaggedFields(flex);
        var bytes = w.ToFrame().ToArray()[4..];
        return new RequestContext(new RequestHeader(ApiKey.Fetch, version, 7, "size-test"), new KafkaReader(bytes, 0, bytes.Length),
            new IPEndPoint(IPAddress.Loopback, 5555), "conn-1");
    }

    public void Dispose() => _topics.Dispose();
}
