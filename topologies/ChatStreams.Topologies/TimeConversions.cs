namespace ChatStreams.Topologies;

/// <summary>Avro timestamp-millis fields are DateTime (UTC) in the contract classes; stores and clocks use epoch ms.</summary>
public static class TimeConversions
{
    public static long ToUnixMs(DateTime utc) =>
        new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)).ToUnixTimeMilliseconds();

    public static DateTime FromUnixMs(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime;
}
