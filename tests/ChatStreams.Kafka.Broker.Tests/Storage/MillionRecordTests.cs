using ChatStreams.Kafka.Broker.Records;
using ChatStreams.Kafka.Broker.Storage;

namespace ChatStreams.Kafka.Broker.Tests.Storage;

public sealed class MillionRecordTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public void A_million_records_append_and_read_back_in_order()
    {
        const int batches = 1000, perBatch = 1000;
        var config = new LogConfig { SegmentBytes = 8 * 1024 * 1024, FlushPolicy = FlushPolicy.OsOnly };
        var path = _temp.Partition();
        using (var log = LogTestData.Open(path, config))
        {
            var template = new List<byte[]>();
            for (int t = 0; t < 4; t++)
            {
                using var builder = new RecordBatchBuilder(t == 3 ? CompressionType.Lz4 : CompressionType.None);
                for (int r = 0; r < perBatch; r++) builder.Add(BitConverter.GetBytes(r), BitConverter.GetBytes((long)r * 7), 1_700_000_000_000 + r);
                template.Add(builder.Build());
            }
            for (int b = 0; b < batches; b++) log.Append(template[b % template.Count]);
            Assert.Equal(batches * perBatch, log.LogEndOffset);
        }

        using (var log = LogTestData.Open(path, config))
        {
            long expected = 0;
            long offset = 0;
            while (offset < log.LogEndOffset)
            {
                using var slice = log.Read(offset, 1024 * 1024, long.MaxValue);
                foreach (var batch in RecordBatches.Split(slice.Bytes.Span))
                {
                    using var reader = RecordReader.Open(batch.Bytes);
                    while (reader.TryRead(out var record))
                    {
                        Assert.Equal(expected, record.Offset);
                        Assert.Equal((expected % perBatch) * 7, BitConverter.ToInt64(record.Value));
                        expected++;
                    }
                }
                offset = slice.NextOffset;
            }
            Assert.Equal(batches * perBatch, expected);
        }
    }
}
