using System.Diagnostics;
using System.Diagnostics.Metrics;
using ChatStreams.Kafka.Broker.Protocol;

namespace ChatStreams.Kafka.Broker.Server;

/// <summary>
/// The broker's meter ("ChatStreams.Kafka.Broker"): how long each request took from being read to its response being
/// ready, by API — a produce waits for its fsync, a fetch for data or its max wait, an EndTxn for the decision and
/// markers. What Kafka calls TotalTimeMs, minus the network.
/// </summary>
internal static class BrokerMetrics
{
    public const string MeterName = "ChatStreams.Kafka.Broker";
    private static readonly Meter Meter = new(MeterName);
    private static readonly Histogram<double> RequestLatency = Meter.CreateHistogram<double>("chatstreams.broker.request.latency", "ms",
        "From a request read to its response ready, by API (fetches include their long-poll wait)");

    public static void RecordRequest(ApiKey api, long startedTimestamp) =>
        RequestLatency.Record(Stopwatch.GetElapsedTime(startedTimestamp).TotalMilliseconds, new KeyValuePair<string, object?>("api", ApiName(api)));

    private static readonly Dictionary<ApiKey, string> Names = Enum.GetValues<ApiKey>().Distinct().ToDictionary(k => k, k => k.ToString());

    private static string ApiName(ApiKey api) => Names.TryGetValue(api, out var name) ? name : ((short)api).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
