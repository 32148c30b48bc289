using ChatStreams.Streams.Runtime;
using ChatStreams.Streams.Serialization;

namespace ChatStreams.Streams.Processor;

/// <summary>Serializes records and hands them to the task's record collector, on a fixed or per-record topic.</summary>
internal sealed class SinkNode<TKey, TValue>(SinkDefinition<TKey, TValue> definition, StreamTaskContext task)
    : RuntimeNode(definition.Name), IRecordReceiver<TKey, TValue>
{
    public override void Connect(IReadOnlyList<RuntimeNode> children)
    {
        if (children.Count > 0) throw new InvalidOperationException($"sink '{Name}' cannot have children");
    }

    public void Receive(Record<TKey, TValue> record)
    {
        try
        {
            var chosen = definition.TopicExtractor(record);
            if (string.IsNullOrEmpty(chosen))
                throw new InvalidOperationException($"the topic extractor returned no topic for key '{record.Key}'");
            var topic = task.ResolveTopic(chosen);
            var key = definition.KeySerde.Serialize(record.Key, new SerdeContext(topic, record.Headers, true));
            var value = definition.ValueSerde.Serialize(record.Value, new SerdeContext(topic, record.Headers, false));
            // With known partition counts the sink partitions like the Java client; otherwise the collector does.
            int? partition = key is not null && task.PartitionCount is { } count ? Murmur2Partitioner.Partition(key, count(topic)) : null;
            // The record's trace continues in what it produces (a no-op without a current span).
            var span = System.Diagnostics.Activity.Current is { Source.Name: RecordTracing.SourceName } current ? current : null;
            var headers = ChatStreams.Kafka.TraceHeaders.With(span, record.Headers);
            task.Collector.Send(topic, partition, key, value, headers, record.Timestamp);
        }
        catch (Exception e) when (e is not StreamTaskException)
        {
            throw task.Failure(Name, $"sink '{Name}'", e);
        }
    }
}
