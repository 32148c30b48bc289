using ChatStreams.Kafka.Broker.Records;

namespace ChatStreams.Kafka.Broker.Tests.Records;

public sealed class ControlBatchTests
{
    [Theory]
    [InlineData(ControlRecordType.Commit)]
    [InlineData(ControlRecordType.Abort)]
    public void Transaction_markers_have_kafkas_shape(ControlRecordType type)
    {
        var batch = RecordBatchBuilder.ControlBatch(producerId: 77, producerEpoch: 4, type, coordinatorEpoch: 12, timestamp: 5_000, baseOffset: 30);
        var header = RecordBatchHeader.Parse(batch);

        Assert.Equal(0x30, header.Attributes);
        Assert.True(header.IsControl && header.IsTransactional);
        Assert.Equal(CompressionType.None, header.Compression);
        Assert.Equal(77, header.ProducerId);
        Assert.Equal(4, header.ProducerEpoch);
        Assert.Equal(-1, header.BaseSequence);
        Assert.Equal(1, header.RecordCount);
        Assert.Equal(0, header.LastOffsetDelta);
        Assert.Equal(5_000, header.MaxTimestamp);
        Assert.True(RecordBatchHeader.HasValidCrc(batch));

        var record = Assert.Single(RecordReader.ReadAll(batch));
        Assert.Equal(new byte[] { 0, 0, 0, (byte)type }, record.Key);
        Assert.Equal(new byte[] { 0, 0, 0, 0, 0, 12 }, record.Value);
        Assert.Equal(new ControlRecord(type, 12), RecordReader.ReadControlRecord(batch));
    }

    [Fact]
    public void Validation_refuses_control_batches_from_clients_unless_allowed()
    {
        var batch = RecordBatchBuilder.ControlBatch(1, 0, ControlRecordType.Commit, 0, 1);
        var refused = RecordBatchValidator.Validate(batch, new RecordValidationOptions());
        Assert.Equal(RecordValidationError.ControlBatchNotAllowed, refused.Error);
        Assert.Equal(87, refused.KafkaErrorCode);
        Assert.True(RecordBatchValidator.Validate(batch, new RecordValidationOptions { AllowControlBatches = true }).IsValid);
    }

    [Fact]
    public void A_short_control_key_is_corrupt()
    {
        var error = Assert.Throws<CorruptRecordException>(() => ControlRecord.Parse(new byte[3], true, new byte[6]));
        Assert.Contains("needs 4", error.Message);
    }
}
