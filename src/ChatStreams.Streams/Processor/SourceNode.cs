using ChatStreams.Streams.Runtime;
using ChatStreams.Streams.Serialization;
using Confluent.Kafka;

namespace ChatStreams.Streams.Processor;

/// <summary>Turns consumed bytes into typed records with the source's serdes and forwards them to its children.</summary>
internal sealed class SourceNode<TKey, TValue>(SourceDefinition<TKey, TValue> definition, StreamTaskContext task)
    : RuntimeNode(definition.Name), ISourceNode
{
    private IRecordReceiver<TKey, TValue>[] _children = [];

    public override void Connect(IReadOnlyList<RuntimeNode> children) => _children = Receivers<TKey, TValue>(children);

    public Exception? Process(ConsumeResult<byte[]?, byte[]?> raw, string topic)
    {
        Record<TKey, TValue> record;
        var message = raw.Message;
        try
        {
            var key = definition.KeySerde.Deserialize(message.Key, message.Key is null, new SerdeContext(topic, message.Headers, true));
            var value = definition.ValueSerde.Deserialize(message.Value, message.Value is null, new SerdeContext(topic, message.Headers, false));
            record = new Record<TKey, TValue>(key, value, message.Timestamp.UnixTimestampMs, message.Headers);
        }
        catch (Exception e)
        {
            // Any serde failure (not only SerializationException) is a bad input record, not a bug of the task.
            return e;
        }

        task.AdvanceStreamTime(record.Timestamp);
        task.CurrentRecordTimestamp = record.Timestamp;
        foreach (var child in _children) child.Receive(record);
        return null;
    }
}

/// <summary>The untyped face of a source node: what the task calls for a consumed record.</summary>
internal interface ISourceNode
{
    string Name { get; }

    /// <summary>Deserializes and forwards the record; returns the deserialization error instead of throwing it.</summary>
    Exception? Process(ConsumeResult<byte[]?, byte[]?> raw, string topic);
}
