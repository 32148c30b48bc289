using System.Diagnostics;
using System.Text;
using Confluent.Kafka;

namespace ChatStreams.Kafka;

/// <summary>
/// W3C trace context in Kafka record headers ("traceparent", "tracestate"), so one message's path edge → topologies →
/// edge is one trace: producers write the current activity's context, consumers start their activity as its child.
/// Plain System.Diagnostics: what exports the activities (OpenTelemetry) is the host's choice.
/// </summary>
public static class TraceHeaders
{
    public const string TraceParent = "traceparent";
    public const string TraceState = "tracestate";

    /// <summary>The context a producer wrote, or default when the record carries none (or a malformed one).</summary>
    public static ActivityContext Extract(Headers? headers)
    {
        if (headers is null || !headers.TryGetLastBytes(TraceParent, out var parent)) return default;
        var state = headers.TryGetLastBytes(TraceState, out var s) ? Encoding.ASCII.GetString(s) : null;
        return ActivityContext.TryParse(Encoding.ASCII.GetString(parent), state, isRemote: true, out var context) ? context : default;
    }

    /// <summary>
    /// Headers to produce with: <paramref name="headers"/> with the trace context of <paramref name="activity"/> in place
    /// of any earlier one. A copy, because one input's headers object may be forwarded to several outputs; the same
    /// object when there is no activity.
    /// </summary>
    public static Headers? With(Activity? activity, Headers? headers)
    {
        if (activity is null || activity.IdFormat != ActivityIdFormat.W3C) return headers;
        var copy = new Headers();
        if (headers is not null)
            foreach (var h in headers)
                if (h.Key is not (TraceParent or TraceState)) copy.Add(h.Key, h.GetValueBytes());
        copy.Add(TraceParent, Encoding.ASCII.GetBytes(activity.Id!));
        if (!string.IsNullOrEmpty(activity.TraceStateString)) copy.Add(TraceState, Encoding.ASCII.GetBytes(activity.TraceStateString));
        return copy;
    }

    /// <summary>Tags of a span about one Kafka record (OpenTelemetry messaging conventions).</summary>
    public static void Tag(Activity? activity, string topic, int? partition = null, long? offset = null)
    {
        if (activity is null) return;
        activity.SetTag("messaging.system", "kafka");
        activity.SetTag("messaging.destination.name", topic);
        if (partition is { } p) activity.SetTag("messaging.destination.partition.id", p);
        if (offset is { } o) activity.SetTag("messaging.kafka.offset", o);
    }
}
