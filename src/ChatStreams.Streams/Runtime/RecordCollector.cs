using System.Collections.Concurrent;
using System.Text;
using ChatStreams.Streams.Metrics;
using Confluent.Kafka;

namespace ChatStreams.Streams.Runtime;

/// <summary>
/// A stream thread's <see cref="IRecordCollector"/>: every sink record, changelog write and dead letter of the
/// thread's tasks goes through the thread's <see cref="StreamsProducer"/>. A null partition lets the producer's
/// murmur2_random partitioner choose, which for non-null keys is exactly the Java client's murmur2 placement.
/// The first delivery error is kept: the thread checks it before committing and fails the transaction (or, at
/// least once, refuses to commit offsets past records that were not written). With an <see cref="OnDemandTopicCreator"/>
/// (the topology asked for topics on demand) each topic is made to exist before its first record is sent, and after a
/// failure the topics of the failed transaction are looked up again: one may have been deleted, which the producer
/// only reports by timing out, and the retry must create it anew.
/// </summary>
internal sealed class RecordCollector : IRecordCollector
{
    private readonly ConcurrentDictionary<TopicPartition, long> _nextOffsets = new();
    private readonly StreamsProducer _producer;
    private readonly string _threadName;
    private readonly string _deadLetterTopic;
    private readonly StreamsMetrics _metrics;
    private readonly Action<DeliveryReport<byte[]?, byte[]?>> _onDelivery;
    private readonly OnDemandTopicCreator? _onDemandTopics;
    private readonly HashSet<string> _topicsSinceCommit = [];
    private Exception? _deliveryError;
    private int _outputsSinceCommit;

    public RecordCollector(StreamsProducer producer, string threadName, string deadLetterTopic, StreamsMetrics metrics,
        OnDemandTopicCreator? onDemandTopics = null)
    {
        _producer = producer;
        _onDemandTopics = onDemandTopics;
        _threadName = threadName;
        _deadLetterTopic = deadLetterTopic;
        _metrics = metrics;
        _onDelivery = Delivered;
    }

    public void Send(string topic, int? partition, byte[]? key, byte[]? value, Headers? headers, long timestamp)
    {
        _outputsSinceCommit++;
        Write(topic, partition, key, value, headers, timestamp);
    }

    public void SendChangelog(string topic, int partition, byte[] key, byte[]? value, long timestamp) =>
        Write(topic, partition, key, value, null, timestamp);

    /// <summary>
    /// Records sent since the last commit other than changelog writes: outputs and dead letters, which someone downstream
    /// sees only once the transaction commits.
    /// </summary>
    public int OutputsSinceCommit => _outputsSinceCommit;

    private void Write(string topic, int? partition, byte[]? key, byte[]? value, Headers? headers, long timestamp)
    {
        var message = new Message<byte[]?, byte[]?>
        {
            Key = key,
            Value = value,
            Headers = headers,
            Timestamp = new Timestamp(timestamp, TimestampType.CreateTime),
        };
        if (_onDemandTopics is not null)
        {
            _onDemandTopics.EnsureExists(topic);
            _topicsSinceCommit.Add(topic);
        }
        _producer.Send(topic, partition, message, _onDelivery);
        if (topic == _deadLetterTopic) _metrics.RecordDeadLetter(_threadName, HeaderText(headers, DeadLetterHeaders.Topic) ?? "unknown");
    }

    /// <summary>The first record that could not be written since the last <see cref="Reset"/>, or null.</summary>
    public Exception? DeliveryError => Volatile.Read(ref _deliveryError);

    /// <summary>Next offset after the last acknowledged record per partition (checkpoints of changelog partitions).</summary>
    public long? NextOffset(TopicPartition partition) => _nextOffsets.TryGetValue(partition, out var next) ? next : null;

    /// <summary>Forgets the error and offsets (after the thread recovered: a new transaction starts clean).</summary>
    public void Reset()
    {
        Volatile.Write(ref _deliveryError, null);
        _nextOffsets.Clear();
        foreach (var topic in _topicsSinceCommit) _onDemandTopics!.Forget(topic);
        _topicsSinceCommit.Clear();
        _outputsSinceCommit = 0;
    }

    /// <summary>Everything sent so far is written: those topics existed.</summary>
    public void AfterCommit()
    {
        _topicsSinceCommit.Clear();
        _outputsSinceCommit = 0;
    }

    private void Delivered(DeliveryReport<byte[]?, byte[]?> report)
    {
        // Runs on the stream thread (its loop, a flush) or the thread of a transactional call that flushes.
        if (report.Error.IsError)
        {
            Interlocked.CompareExchange(ref _deliveryError, new KafkaException(new Error(report.Error.Code,
                $"could not write a record to {report.Topic}: {report.Error.Reason}")), null);
            return;
        }
        var next = report.Offset.Value + 1;
        _nextOffsets.AddOrUpdate(report.TopicPartition, next, (_, old) => Math.Max(old, next));
    }

    private static string? HeaderText(Headers? headers, string name) =>
        headers is not null && headers.TryGetLastBytes(name, out var bytes) ? Encoding.UTF8.GetString(bytes) : null;
}
