using ChatStreams.Contracts;
using ChatStreams.Streams;
using ChatStreams.Topologies.Conversation;
using ChatStreams.Topologies.FanOut;
using ChatStreams.Topologies.Presence;
using Microsoft.Extensions.Logging;

namespace ChatStreams.Topologies;

/// <summary>
/// One streams application of the chat: its short name (what <c>chatstreams topology &lt;name&gt;</c> takes), its
/// application id (consumer group, transactional ids, internal topic prefix) and how to build its topology.
/// </summary>
/// <remarks>
/// An application with a <see cref="RescalableInput"/> runs one instance per generation of that topic (see
/// docs/operations.md, "Rescaling partitions"); <see cref="Build"/> gets the generation (and the generation of the
/// rescalable topics it writes), and the instance runs under <c>TopicGenerations.ApplicationId(ApplicationId, generation)</c>.
/// With <see cref="KeepsFirstGeneration"/> generation 1 runs always: it holds a part keyed by user that is never
/// rescaled and that every later generation feeds.
/// </remarks>
public sealed record ChatApplication(string Name, string ApplicationId, Func<ContractSerdes, TopologyOptions, TopicSettings, ILoggerFactory, TopologyGeneration, Topology> Build,
    string? RescalableInput = null, bool KeepsFirstGeneration = false);

/// <summary>Which generation of its rescalable input an instance reads, and which generation of the rescalable topics it writes.</summary>
public readonly record struct TopologyGeneration(int Input, int Output)
{
    /// <summary>Before any rescale: chat.commands, chat.events, chat.receipts.</summary>
    public static TopologyGeneration First { get; } = new(1, 1);
}

/// <summary>
/// The chat's streams applications. Each is deployed and scaled on its own (up to its partition count): the
/// conversation topology is CPU-light and state-heavy, the fan-out multiplies records by group size, presence is
/// driven by heartbeats.
/// </summary>
public static class ChatApplications
{
    /// <summary>
    /// Commit interval the chat applications run with unless Streams:CommitIntervalMs says otherwise. A message
    /// crosses three exactly-once hops (commands → events → by-user repartition → delivery topic), and a
    /// read_committed reader sees each hop's output only at its commit, so the interval is paid up to three times:
    /// 30 ms instead of Kafka Streams' 100 ms halves the end-to-end median at the same CPU (docs/benchmarks.md).
    /// </summary>
    public const int DefaultCommitIntervalMs = 30;

    public static readonly ChatApplication Conversation = new("conversation", ConversationTopology.ApplicationId,
        (serdes, options, _, loggers, generation) => ConversationTopology.Build(serdes, options, loggers, generation.Input, generation.Output), Topics.ChatCommands);

    public static readonly ChatApplication FanOut = new("fanout", FanOutTopology.ApplicationId,
        (serdes, options, topics, loggers, generation) => FanOutTopology.Build(serdes, options, topics, loggers, generation.Input), Topics.ChatEvents,
        KeepsFirstGeneration: true);

    public static readonly ChatApplication Presence = new("presence", PresenceTopology.ApplicationId,
        (serdes, options, topics, loggers, generation) => PresenceTopology.Build(serdes, options, topics, loggers, generation.Input), Topics.ChatEvents,
        KeepsFirstGeneration: true);

    public static IReadOnlyList<ChatApplication> All { get; } = [Conversation, FanOut, Presence];

    /// <summary>The applications with these names ("all" or none: every one).</summary>
    /// <exception cref="ArgumentException">A name is unknown; the message lists the valid ones.</exception>
    public static IReadOnlyList<ChatApplication> Select(IReadOnlyCollection<string> names)
    {
        if (names.Count == 0 || names.Contains("all", StringComparer.OrdinalIgnoreCase)) return All;
        return names.Select(name => All.FirstOrDefault(a => string.Equals(a.Name, name, StringComparison.OrdinalIgnoreCase))
                ?? throw new ArgumentException($"unknown topology '{name}'; choose from {string.Join(", ", All.Select(a => a.Name))} or all"))
            .Distinct()
            .ToList();
    }
}
