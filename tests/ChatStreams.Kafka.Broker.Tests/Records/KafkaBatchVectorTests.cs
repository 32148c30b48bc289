using ChatStreams.Kafka.Broker.Records;

namespace ChatStreams.Kafka.Broker.Tests.Records;

public sealed class KafkaBatchVectorTests
{
    [Theory]
    [MemberData(nameof(KafkaBatchVectors.All), MemberType = typeof(KafkaBatchVectors))]
    public void Batches_from_another_client_pass_the_crc_and_decode(string codec, byte[] batch)
    {
        Assert.True(RecordBatchHeader.HasValidCrc(batch), codec);
        var header = RecordBatchHeader.Parse(batch);
        Assert.Equal(batch.Length, header.TotalSize);

        var record = Assert.Single(RecordReader.ReadAll(batch));
        Assert.Equal(0, record.Offset);
        Assert.Equal(1479847795005, record.Timestamp);
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, record.Key);
        Assert.Equal(new byte[] { 5, 6, 7 }, record.Value);
        var recordHeader = Assert.Single(record.Headers);
        Assert.Equal("\b\t\n", recordHeader.Key);
        Assert.Equal(new byte[] { 11, 12 }, recordHeader.Value);
    }

    [Theory]
    [MemberData(nameof(KafkaBatchVectors.All), MemberType = typeof(KafkaBatchVectors))]
    public void Validation_accepts_them_and_normalizes_the_wrong_max_timestamp(string codec, byte[] batch)
    {
        var copy = batch.ToArray();
        var result = RecordBatchValidator.ValidateAndNormalize(copy, new RecordValidationOptions());
        Assert.True(result.IsValid, $"{codec}: {result.Reason}");
        Assert.Equal(1, result.RecordCount);

        var header = RecordBatchHeader.Parse(copy);
        Assert.Equal(1479847795005, header.MaxTimestamp);
        Assert.True(RecordBatchHeader.HasValidCrc(copy));
    }

    [Fact]
    public void Header_fields_parse_from_the_wire_layout()
    {
        var header = RecordBatchHeader.Parse(KafkaBatchVectors.Lz4);
        Assert.Equal(0, header.BaseOffset);
        Assert.Equal(89, header.BatchLength);
        Assert.Equal(101, header.TotalSize);
        Assert.Equal(2, header.Magic);
        Assert.Equal(0xA94A77C5u, header.Crc);
        Assert.Equal(CompressionType.Lz4, header.Compression);
        Assert.Equal(TimestampType.CreateTime, header.TimestampType);
        Assert.False(header.IsTransactional);
        Assert.False(header.IsControl);
        Assert.Equal(1479847795000, header.BaseTimestamp);
        Assert.Equal(1, header.RecordCount);
        Assert.Equal(0, header.LastOffset);
        Assert.Equal(1, header.NextOffset);
    }
}
