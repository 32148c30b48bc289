using ChatStreams.Kafka;
using ChatStreams.Sinks;
using Microsoft.Extensions.Logging;

namespace ChatStreams.Bench.Sinks;

/// <summary>One sink on one store as the benchmark drives it: run it, and ask its store what a reader sees.</summary>
public interface IBenchSink : IAsyncDisposable
{
    /// <summary>The sink's name (its consumer group is the prefix + this), e.g. "history".</summary>
    string Name { get; }

    /// <summary>The store, for the report, e.g. "SQLite".</summary>
    string Store { get; }

    /// <summary>Runs the sink with <see cref="SinkRunner{T}"/> until cancelled (then it writes and commits what it holds).</summary>
    Task RunAsync(KafkaOptions kafka, SinkOptions options, ILoggerFactory loggers, CancellationToken ct);

    /// <summary>True when a reader of the store sees the message (conversation, seq) now: in history, found by search, counted by SQL.</summary>
    Task<bool> IsVisibleAsync(string conversationId, long seq, CancellationToken ct);
}
