using ChatStreams.Contracts;
using ChatStreams.Kafka;
using chatstreams.v1;
using Confluent.Kafka;
using Microsoft.Extensions.Options;

namespace ChatStreams.Edge.Kafka;

/// <summary>
/// Produces client commands to chat.commands (key: conversation id) with the idempotent, acks=all producer.
/// <see cref="PublishAsync"/> returns once the record is queued, in call order (so one client's commands reach the
/// sequencer in the order it sent them), with a task that completes when Kafka acknowledged it: only then may the
/// client be told "ack".
/// </summary>
public sealed class CommandPublisher : IDisposable
{
    private readonly IProducer<string, byte[]> _producer;
    private readonly IAsyncSerializer<ChatCommand> _serializer;

    public CommandPublisher(IOptions<KafkaOptions> kafka, IOptions<EdgeOptions> edge, ChatSerdes serdes)
    {
        var config = KafkaClientConfigs.Producer(kafka.Value, $"{edge.Value.Id}-commands");
        config.MessageTimeoutMs = (int)edge.Value.CommandTimeout.TotalMilliseconds;
        config.LingerMs = 1;
        _serializer = serdes.Serializer<ChatCommand>();
        _producer = new ProducerBuilder<string, byte[]>(config).SetKeySerializer(ChatSerdes.KeySerializer).Build();
    }

    /// <summary>
    /// Serializes and enqueues the command. The returned task completes when Kafka acknowledged it and faults with
    /// a <see cref="KafkaException"/> when Kafka did not take it within the command timeout.
    /// </summary>
    public async Task<Task> PublishAsync(ChatCommand command)
    {
        var value = await _serializer.SerializeAsync(command, new SerializationContext(MessageComponentType.Value, Topics.ChatCommands));
        var acked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _producer.Produce(Topics.ChatCommands, new Message<string, byte[]> { Key = command.ConversationId, Value = value }, report =>
        {
            if (report.Error.IsError) acked.TrySetException(new KafkaException(report.Error));
            else acked.TrySetResult();
        });
        return acked.Task;
    }

    public void Dispose()
    {
        _producer.Flush(TimeSpan.FromSeconds(5));
        _producer.Dispose();
    }
}
