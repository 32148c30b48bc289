using System.Collections;
using Avro.Specific;

namespace ChatStreams.Contracts.Tests;

/// <summary>Deep comparison of contract records through their Avro accessors, naming the first difference.</summary>
internal static class RecordComparer
{
    /// <summary>Null when equal, else the path and values of the first difference.</summary>
    public static string? FirstDifference(object? expected, object? actual, string path = "$")
    {
        if (expected is null || actual is null)
            return expected is null && actual is null ? null : $"{path}: expected {Show(expected)}, got {Show(actual)}";
        if (expected.GetType() != actual.GetType() && !(expected is IList && actual is IList))
            return $"{path}: expected a {expected.GetType().Name}, got a {actual.GetType().Name}";
        switch (expected)
        {
            case ISpecificRecord record:
                var other = (ISpecificRecord)actual;
                foreach (var field in ((Avro.RecordSchema)record.Schema).Fields)
                {
                    var difference = FirstDifference(record.Get(field.Pos), other.Get(field.Pos), $"{path}.{field.Name}");
                    if (difference is not null) return difference;
                }
                return null;
            case IDictionary map:
                var otherMap = (IDictionary)actual;
                if (map.Count != otherMap.Count) return $"{path}: expected {map.Count} entries, got {otherMap.Count}";
                foreach (DictionaryEntry entry in map)
                {
                    if (!otherMap.Contains(entry.Key)) return $"{path}[{entry.Key}]: missing";
                    var difference = FirstDifference(entry.Value, otherMap[entry.Key], $"{path}[{entry.Key}]");
                    if (difference is not null) return difference;
                }
                return null;
            case IList list:
                var otherList = (IList)actual;
                if (list.Count != otherList.Count) return $"{path}: expected {list.Count} items, got {otherList.Count}";
                for (var i = 0; i < list.Count; i++)
                {
                    var difference = FirstDifference(list[i], otherList[i], $"{path}[{i}]");
                    if (difference is not null) return difference;
                }
                return null;
            default:
                return Equals(expected, actual) ? null : $"{path}: expected {Show(expected)}, got {Show(actual)}";
        }
    }

    private static string Show(object? value) => value switch
    {
        null => "null",
        DateTime time => time.ToString("O"),
        _ => $"'{value}'",
    };
}
