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
        // The span lasts until Kafka acknowledged the record; its context rides in the headers to the topologies.
        var span = EdgeTracing.StartRoot($"publish {Topics.ChatCommands}", System.Diagnostics.ActivityKind.Producer);
        TraceHeaders.Tag(span, Topics.ChatCommands);
        span?.SetTag("chatstreams.conversation.id", command.ConversationId);
        var message = new Message<string, byte[]> { Key = command.ConversationId, Value = value, Headers = TraceHeaders.With(span, null) };
        _producer.Produce(Topics.ChatCommands, message, report =>
        {
            if (report.Error.IsError)
            {
                span?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, report.Error.Reason);
                acked.TrySetException(new KafkaException(report.Error));
            }
            else acked.TrySetResult();
            span?.Dispose();
        });
        return acked.Task;
    }

    public void Dispose()
    {
        _producer.Flush(TimeSpan.FromSeconds(5));
        _producer.Dispose();
    }
}
