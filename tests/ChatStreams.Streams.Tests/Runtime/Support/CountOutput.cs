using System.Buffers.Binary;
using System.Text;
using Confluent.Kafka;

namespace ChatStreams.Streams.Tests.Runtime.Support;

/// <summary>Checks what the count topology wrote: its output topic and its changelog.</summary>
public static class CountOutput
{
    /// <summary>
    /// Exactly once: for every key k the output holds k:1 … k:n_k, each once, in this order (a key lives in one
    /// partition, so offset order is processing order).
    /// </summary>
    public static void AssertExactlyOnce(IReadOnlyList<ConsumeResult<byte[]?, byte[]?>> output, IReadOnlyDictionary<string, int> expected)
    {
        var byKey = Sequences(output);
        Assert.Equal(expected.Keys.Order(), byKey.Keys.Order());
        foreach (var (key, counts) in byKey)
        {
            var want = Enumerable.Range(1, expected[key]).ToList();
            if (!counts.SequenceEqual(want))
                Assert.Fail($"key {key}: expected counts 1..{expected[key]} once each in order, got {Describe(counts)}");
        }
    }

    /// <summary>
    /// At least once: every count 1..n_k appears (maybe more than once after a crash), the last one is n_k
    /// (the store ends right), and counts never go backwards except where a crash replayed a suffix.
    /// </summary>
    public static void AssertAtLeastOnce(IReadOnlyList<ConsumeResult<byte[]?, byte[]?>> output, IReadOnlyDictionary<string, int> expected)
    {
        var byKey = Sequences(output);
        Assert.Equal(expected.Keys.Order(), byKey.Keys.Order());
        foreach (var (key, counts) in byKey)
        {
            Assert.Equal(Enumerable.Range(1, expected[key]), counts.Distinct().Order());
            Assert.Equal(expected[key], counts[^1]);
        }
    }

    public static Dictionary<string, List<int>> Sequences(IEnumerable<ConsumeResult<byte[]?, byte[]?>> output) =>
        output.OrderBy(r => r.Partition.Value).ThenBy(r => r.Offset.Value)
            .Select(r => Encoding.UTF8.GetString(r.Message.Value!))
            .Select(v => (Key: v[..v.LastIndexOf(':')], Count: int.Parse(v[(v.LastIndexOf(':') + 1)..])))
            .GroupBy(x => x.Key).ToDictionary(g => g.Key, g => g.Select(x => x.Count).ToList());

    /// <summary>The latest value per key of the count store's changelog (what a restore rebuilds).</summary>
    public static Dictionary<string, long> ChangelogState(IEnumerable<ConsumeResult<byte[]?, byte[]?>> changelog)
    {
        var state = new Dictionary<string, long>();
        foreach (var r in changelog.OrderBy(r => r.Partition.Value).ThenBy(r => r.Offset.Value))
        {
            var key = Encoding.UTF8.GetString(r.Message.Key!);
            if (r.Message.Value is null) state.Remove(key);
            else state[key] = BinaryPrimitives.ReadInt64BigEndian(r.Message.Value);
        }
        return state;
    }

    private static string Describe(List<int> counts)
    {
        var firstBad = Enumerable.Range(0, counts.Count).FirstOrDefault(i => counts[i] != i + 1, -1);
        var around = firstBad < 0 ? counts.Skip(Math.Max(0, counts.Count - 5)) : counts.Skip(Math.Max(0, firstBad - 3)).Take(8);
        return $"{counts.Count} values, first deviation at index {firstBad}: [{string.Join(", ", around)}]";
    }
}
