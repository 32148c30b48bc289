using ChatStreams.Streams.State;

namespace ChatStreams.Streams.Tests.State;

public sealed class ChunkedScanTests
{
    private static readonly List<byte[]> Keys = Enumerable.Range(0, 2000).Select(i => new[] { (byte)(i >> 8), (byte)i }).ToList();

    [Fact]
    public void Chunks_start_small_and_double_up_to_the_chunk_size()
    {
        var asked = new List<int>();
        var read = Scan(KeyRange.All, asked).ToList();
        Assert.Equal(Keys.Select(k => (k[0] << 8) | k[1]), read.Select(e => (e.Key[0] << 8) | e.Key[1]));
        // 16 + 32 + 64 + 128 + 256 + 512 = 1,008 entries, then 512-sized chunks until a short one ends the scan.
        Assert.Equal([16, 32, 64, 128, 256, 512, 512, 512], asked);
    }

    [Fact]
    public void A_scan_of_a_few_entries_reads_one_small_chunk()
    {
        var asked = new List<int>();
        var range = KeyRange.Between([0, 10], [0, 14]);
        Assert.Equal(5, Scan(range, asked).Count());
        Assert.Equal([ChunkedScan.FirstChunkSize], asked);
    }

    [Fact]
    public void A_chunk_size_below_the_first_chunk_size_is_kept()
    {
        var asked = new List<int>();
        Assert.Equal(Keys.Count, Scan(KeyRange.All, asked, chunkSize: 4).Count());
        Assert.All(asked, size => Assert.Equal(4, size));
    }

    private static IEnumerable<KeyValuePair<byte[], byte[]>> Scan(KeyRange range, List<int> asked, int chunkSize = ChunkedScan.DefaultChunkSize) =>
        ChunkedScan.Scan(range, (from, inclusive, r, max, into) =>
        {
            asked.Add(max);
            foreach (var key in Keys)
            {
                if (from is not null)
                {
                    var c = ByteKeyComparer.Instance.Compare(key, from);
                    if (c < 0 || (c == 0 && !inclusive)) continue;
                }
                if (!r.BelowUpperBound(key)) return;
                into.Add(new KeyValuePair<byte[], byte[]>(key, key));
                if (into.Count == max) return;
            }
        }, () => { }, chunkSize);
}
