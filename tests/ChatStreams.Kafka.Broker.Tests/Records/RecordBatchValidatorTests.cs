using ChatStreams.Kafka.Broker.Records;

namespace ChatStreams.Kafka.Broker.Tests.Records;

public sealed class RecordBatchValidatorTests
{
    private static readonly RecordValidationOptions Defaults = new();

    [Fact]
    public void Several_valid_batches_are_counted()
    {
        var records = TestBatch.Concat(TestBatch.Of(3), TestBatch.Of(2, CompressionType.Lz4), TestBatch.Of(1, CompressionType.Zstd));
        var result = RecordBatchValidator.Validate(records, Defaults);
        Assert.True(result.IsValid, result.Reason);
        Assert.Equal(3, result.BatchCount);
        Assert.Equal(6, result.RecordCount);
        Assert.Equal(0, result.KafkaErrorCode);
    }

    [Fact]
    public void A_flipped_byte_fails_the_crc()
    {
        var batch = TestBatch.Of(3);
        batch[^2] ^= 0x40;
        var result = RecordBatchValidator.Validate(batch, Defaults);
        Assert.Equal(RecordValidationError.CorruptMessage, result.Error);
        Assert.Equal(2, result.KafkaErrorCode);
        Assert.Contains("CRC", result.Reason);
    }

    [Fact]
    public void Old_message_formats_are_refused()
    {
        var batch = TestBatch.Of(1);
        batch[RecordBatchLayout.Magic] = 1;
        var result = RecordBatchValidator.Validate(batch, Defaults);
        Assert.Equal(RecordValidationError.UnsupportedMagic, result.Error);
        Assert.Equal(87, result.KafkaErrorCode);
    }

    [Fact]
    public void A_truncated_batch_is_corrupt()
    {
        var batch = TestBatch.Of(3);
        Assert.Equal(RecordValidationError.CorruptMessage, RecordBatchValidator.Validate(batch.AsSpan(0, batch.Length - 1), Defaults).Error);
        Assert.Equal(RecordValidationError.CorruptMessage, RecordBatchValidator.Validate(batch.AsSpan(0, 10), Defaults).Error);
        Assert.Equal(RecordValidationError.CorruptMessage, RecordBatchValidator.Validate(TestBatch.Concat(batch, new byte[20]), Defaults).Error);
    }

    [Fact]
    public void Batches_above_max_message_bytes_are_too_large()
    {
        var batch = TestBatch.Of(10);
        var result = RecordBatchValidator.Validate(batch, new RecordValidationOptions { MaxMessageBytes = batch.Length - 1 });
        Assert.Equal(RecordValidationError.MessageTooLarge, result.Error);
        Assert.Equal(10, result.KafkaErrorCode);
        Assert.True(RecordBatchValidator.Validate(batch, new RecordValidationOptions { MaxMessageBytes = batch.Length }).IsValid);
    }

    [Fact]
    public void Record_count_must_match_last_offset_delta()
    {
        var batch = TestBatch.WithInt32(TestBatch.Of(3), RecordBatchLayout.LastOffsetDelta, 5);
        var result = RecordBatchValidator.Validate(batch, Defaults);
        Assert.Equal(RecordValidationError.InvalidRecord, result.Error);
        Assert.Contains("lastOffsetDelta", result.Reason);
    }

    [Fact]
    public void Offset_deltas_must_run_from_zero_without_gaps()
    {
        using var builder = new RecordBatchBuilder { LastOffsetDelta = 1 };
        builder.Add([1], [1], 1, offsetDelta: 0).Add([2], [2], 2, offsetDelta: 1);
        var good = builder.Build();
        Assert.True(RecordBatchValidator.Validate(good, Defaults).IsValid);

        using var gapped = new RecordBatchBuilder { LastOffsetDelta = 1 };
        gapped.Add([1], [1], 1, offsetDelta: 1);
        var bad = TestBatch.WithInt32(gapped.Build(), RecordBatchLayout.LastOffsetDelta, 0);
        var result = RecordBatchValidator.Validate(bad, Defaults);
        Assert.Equal(RecordValidationError.InvalidRecord, result.Error);
        Assert.Contains("offset delta", result.Reason);
    }

    [Fact]
    public void Records_that_do_not_fill_their_length_are_corrupt()
    {
        var batch = TestBatch.Of(1);
        // The record length varint is the first byte after the header: claim one byte more than is there.
        batch[RecordBatchLayout.Records] += 2;
        RecordBatchBuilder.UpdateCrc(batch);
        Assert.Equal(RecordValidationError.CorruptMessage, RecordBatchValidator.Validate(batch, Defaults).Error);
    }

    [Fact]
    public void Compacted_topics_refuse_records_without_a_key()
    {
        var keyless = TestBatch.Of(2, keys: false);
        var result = RecordBatchValidator.Validate(keyless, new RecordValidationOptions { RequireKeys = true });
        Assert.Equal(RecordValidationError.MissingKey, result.Error);
        Assert.Equal(87, result.KafkaErrorCode);
        Assert.Contains("compact", result.Reason);
        Assert.True(RecordBatchValidator.Validate(keyless, Defaults).IsValid);
    }

    [Fact]
    public void Unknown_codecs_are_unsupported()
    {
        var batch = TestBatch.WithInt16(TestBatch.Of(1), RecordBatchLayout.Attributes, 5);
        var result = RecordBatchValidator.Validate(batch, Defaults);
        Assert.Equal(RecordValidationError.UnsupportedCompression, result.Error);
        Assert.Equal(76, result.KafkaErrorCode);
    }

    [Theory]
    [InlineData(CompressionType.Gzip)]
    [InlineData(CompressionType.Snappy)]
    [InlineData(CompressionType.Lz4)]
    [InlineData(CompressionType.Zstd)]
    public void Garbage_claiming_a_codec_is_corrupt_not_a_crash(CompressionType codec)
    {
        var batch = TestBatch.Of(2);
        var garbage = TestBatch.WithInt16(batch, RecordBatchLayout.Attributes, (short)codec);
        var result = RecordBatchValidator.Validate(garbage, Defaults);
        Assert.Equal(RecordValidationError.CorruptMessage, result.Error);
        Assert.Throws<CorruptRecordException>(() => RecordReader.ReadAll(garbage));
    }

    [Fact]
    public void Transactional_batches_need_a_producer_id()
    {
        var batch = TestBatch.WithInt16(TestBatch.Of(1), RecordBatchLayout.Attributes, 0x10);
        Assert.Equal(RecordValidationError.InvalidRecord, RecordBatchValidator.Validate(batch, Defaults).Error);
    }

    [Fact]
    public void One_batch_per_partition_when_required()
    {
        var two = TestBatch.Concat(TestBatch.Of(1), TestBatch.Of(1));
        Assert.Equal(RecordValidationError.MultipleBatches,
            RecordBatchValidator.Validate(two, new RecordValidationOptions { RequireSingleBatch = true }).Error);
    }

    [Fact]
    public void Empty_records_are_invalid_and_oversized_sets_are_refused()
    {
        Assert.Equal(RecordValidationError.InvalidRecord, RecordBatchValidator.Validate([], Defaults).Error);
        var batch = TestBatch.Of(5);
        var result = RecordBatchValidator.Validate(batch, new RecordValidationOptions { MaxTotalBytes = batch.Length - 1 });
        Assert.Equal(RecordValidationError.RecordListTooLarge, result.Error);
        Assert.Equal(18, result.KafkaErrorCode);
    }
}
