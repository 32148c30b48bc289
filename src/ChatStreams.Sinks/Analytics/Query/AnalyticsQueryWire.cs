using System.Text.Json;
using System.Text.Json.Serialization;

namespace ChatStreams.Sinks.Analytics.Query;

/// <summary>The query endpoint's JSON: the result's columns and rows, or an error message.</summary>
public sealed class AnalyticsQueryWire
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    public List<AnalyticsColumn>? Columns { get; set; }

    public List<List<JsonElement>>? Rows { get; set; }

    public string? Error { get; set; }

    public static AnalyticsQueryWire From(AnalyticsQueryResult result) => new()
    {
        Columns = [.. result.Columns],
        Rows = [.. result.Rows.Select(r => r.Select(v => JsonSerializer.SerializeToElement(v, Json)).ToList())],
    };

    public AnalyticsQueryResult ToResult() => new(
        Columns ?? [],
        (Rows ?? []).Select(r => (IReadOnlyList<object?>)r.Select(Plain).ToList()).ToList());

    private static object? Plain(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null or JsonValueKind.Undefined => null,
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Number => value.TryGetInt64(out var l) ? (object)l : value.GetDouble(),
        JsonValueKind.String => value.GetString(),
        _ => value.GetRawText(),
    };
}
