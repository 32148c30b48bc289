using ChatStreams.Kafka.Broker.Records;

namespace ChatStreams.Kafka.Broker.Tests.Records;

public sealed class RecordBatchHeaderTests
{
    [Fact]
    public void Attribute_bits_and_derived_offsets()
    {
        using var builder = new RecordBatchBuilder(CompressionType.Zstd)
        {
            BaseOffset = 100,
            ProducerId = 9,
            ProducerEpoch = 3,
            BaseSequence = 40,
            IsTransactional = true,
            PartitionLeaderEpoch = 5,
        };
        for (int i = 0; i < 3; i++) builder.Add([(byte)i], [1], 1000 + i);
        var header = RecordBatchHeader.Parse(builder.Build());

        Assert.Equal(100, header.BaseOffset);
        Assert.Equal(5, header.PartitionLeaderEpoch);
        Assert.Equal(CompressionType.Zstd, header.Compression);
        Assert.True(header.IsTransactional);
        Assert.False(header.IsControl);
        Assert.False(header.HasDeleteHorizon);
        Assert.Equal(2, header.LastOffsetDelta);
        Assert.Equal(102, header.LastOffset);
        Assert.Equal(103, header.NextOffset);
        Assert.Equal(1000, header.BaseTimestamp);
        Assert.Equal(1002, header.MaxTimestamp);
        Assert.Equal(9, header.ProducerId);
        Assert.Equal(3, header.ProducerEpoch);
        Assert.Equal(40, header.BaseSequence);
        Assert.Equal(42, header.LastSequence);
        Assert.Equal(3, header.RecordCount);
    }

    [Fact]
    public void Last_sequence_wraps_at_int_max_like_kafka()
    {
        var header = new RecordBatchHeader { BaseSequence = int.MaxValue - 1, LastOffsetDelta = 3 };
        Assert.Equal(1, header.LastSequence);
        Assert.Equal(-1, new RecordBatchHeader { BaseSequence = -1, LastOffsetDelta = 3 }.LastSequence);
    }

    [Fact]
    public void Short_input_is_reported_not_misread()
    {
        Assert.False(RecordBatchHeader.TryParse(new byte[60], out _));
        var error = Assert.Throws<CorruptRecordException>(() => RecordBatchHeader.Parse(new byte[10]));
        Assert.Contains("61", error.Message);
    }
}
