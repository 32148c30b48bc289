using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using ChatStreams.Streams.Metrics;

namespace ChatStreams.Streams.Tests.Runtime.Support;

/// <summary>Listens to the "ChatStreams.Streams" meter and keeps the measurements of one application id.</summary>
public sealed class MetricsCapture : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly string _applicationId;
    private readonly ConcurrentQueue<(string Instrument, double Value, Dictionary<string, object?> Tags)> _measurements = new();

    public MetricsCapture(string applicationId)
    {
        _applicationId = applicationId;
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == StreamsMetrics.MeterName) listener.EnableMeasurementEvents(instrument);
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, _) => Record(i, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, _) => Record(i, v, tags));
        _listener.Start();
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var map = new Dictionary<string, object?>();
        foreach (var t in tags) map[t.Key] = t.Value;
        if (map.TryGetValue("application.id", out var app) && (string?)app == _applicationId)
            _measurements.Enqueue((instrument.Name, value, map));
    }

    /// <summary>Reads the observable gauges now.</summary>
    public void Observe() => _listener.RecordObservableInstruments();

    public IReadOnlyList<(double Value, Dictionary<string, object?> Tags)> Of(string instrument) =>
        _measurements.Where(m => m.Instrument == instrument).Select(m => (m.Value, m.Tags)).ToList();

    public double Sum(string instrument) => Of(instrument).Sum(m => m.Value);

    public void Dispose() => _listener.Dispose();
}
