namespace ChatStreams.Sinks.Analytics;

/// <summary>Contract times (UTC DateTime) as the epoch milliseconds every analytics table stores.</summary>
internal static class AnalyticsTime
{
    public static long Ms(DateTime at)
    {
        // Avro timestamps come back as UTC; an unspecified kind is taken as UTC too, never as the machine's zone.
        var utc = at.Kind == DateTimeKind.Local ? at.ToUniversalTime() : at;
        return (utc.Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerMillisecond;
    }

    public static long? Ms(DateTime? at) => at is { } value ? Ms(value) : null;
}
