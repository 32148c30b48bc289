using ChatStreams.Contracts;
using ChatStreams.Kafka;
using chatstreams.v1;
using ChatStreams.Kafka.Generations;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChatStreams.Edge.Kafka;

/// <summary>
/// Produces client commands to chat.commands (key: conversation id) with the idempotent, acks=all producer.
/// <see cref="PublishAsync"/> returns once the record is queued, in call order (so one client's commands reach the
/// sequencer in the order it sent them), with a task that completes when Kafka acknowledged it: only then may the
/// client be told "ack".
/// The topic is the generation of chat.commands the control topic says to write (chat.commands, then chat.commands.g2
/// … after a partition rescale, see docs/operations.md); at a switch the publisher reports to the rescale procedure
/// once every command it sent to the old generation is acknowledged.
/// </summary>
public sealed class CommandPublisher : IDisposable
{
    private readonly IProducer<string, byte[]> _producer;
    private readonly IAsyncSerializer<ChatCommand> _serializer;
    private readonly TopicGenerationWatcher _generations;
    private readonly ProducerGeneration _generation;
    private readonly object _startGate = new();
    private Task? _started;

    private readonly TimeSpan _commandTimeout;

    public CommandPublisher(IOptions<KafkaOptions> kafka, IOptions<EdgeOptions> edge, ChatSerdes serdes, ILoggerFactory? loggers = null)
    {
        loggers ??= Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance;
        _commandTimeout = edge.Value.CommandTimeout;
        _generations = new TopicGenerationWatcher(kafka.Value, $"{edge.Value.Id}-commands", Topics.ChatCommands, TopicSettings.DefaultPartitions,
            loggers.CreateLogger<TopicGenerationWatcher>());
        _generation = new ProducerGeneration(_generations, edge.Value.Id, loggers.CreateLogger<ProducerGeneration>());
        var config = KafkaClientConfigs.Producer(kafka.Value, $"{edge.Value.Id}-commands");
        config.MessageTimeoutMs = (int)edge.Value.CommandTimeout.TotalMilliseconds;
        config.LingerMs = 1;
        // The acknowledgement needs the report's error only: do not copy every key, value and header back into .NET.
        config.DeliveryReportFields = "none";
        _serializer = serdes.Serializer<ChatCommand>();
        _producer = new ProducerBuilder<string, byte[]>(config).SetKeySerializer(ChatSerdes.KeySerializer).Build();
    }

    /// <summary>
    /// Serializes and enqueues the command. The returned task completes when Kafka acknowledged it and faults with
    /// a <see cref="KafkaException"/> when Kafka did not take it within the command timeout.
    /// </summary>
    public async Task<Task> PublishAsync(ChatCommand command)
    {
        try
        {
            // Normally done at edge start; a client must not wait on it longer than on Kafka's acknowledgement.
            await StartAsync().WaitAsync(_commandTimeout);
        }
        catch (TimeoutException)
        {
            throw new KafkaException(new Error(ErrorCode.Local_TimedOut,
                $"could not read which generation of {Topics.ChatCommands} to write from {TopicGenerations.ControlTopic} within {_commandTimeout.TotalSeconds:0} s"));
        }
        var value = await _serializer.SerializeAsync(command, new SerializationContext(MessageComponentType.Value, Topics.ChatCommands));
        var acked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        // The span lasts until Kafka acknowledged the record; its context rides in the headers to the topologies.
        var lease = _generation.Acquire();
        var span = EdgeTracing.StartRoot($"publish {lease.Topic}", System.Diagnostics.ActivityKind.Producer);
        TraceHeaders.Tag(span, lease.Topic);
        span?.SetTag("chatstreams.conversation.id", command.ConversationId);
        var message = new Message<string, byte[]> { Key = command.ConversationId, Value = value, Headers = TraceHeaders.With(span, null) };
        try
        {
            _producer.Produce(lease.Topic, message, report =>
            {
                lease.Dispose();
                if (report.Error.IsError)
                {
                    span?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, report.Error.Reason);
                    acked.TrySetException(new KafkaException(report.Error));
                }
                else acked.TrySetResult();
                span?.Dispose();
            });
        }
        catch
        {
            lease.Dispose();
            span?.Dispose();
            throw;
        }
        return acked.Task;
    }

    /// <summary>Reads which generation to write (and registers this edge as its producer) before the first command.</summary>
    public Task StartAsync()
    {
        lock (_startGate)
        {
            // A start that failed (Kafka not reachable yet) is tried again by the next caller.
            if (_started is null || _started.IsFaulted || _started.IsCanceled) _started = StartOnceAsync();
            return _started;
        }
    }

    private async Task StartOnceAsync()
    {
        await _generations.StartAsync();
        await _generation.StartAsync();
    }

    public void Dispose()
    {
        _producer.Flush(TimeSpan.FromSeconds(5));
        _producer.Dispose();
        if (_started is not { IsCompletedSuccessfully: true }) return;
        _generation.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(5));
        _generations.DisposeAsync().AsTask().Wait(TimeSpan.FromSeconds(5));
    }
}
