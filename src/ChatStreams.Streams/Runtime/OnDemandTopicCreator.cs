using System.Collections.Concurrent;
using ChatStreams.Contracts;
using ChatStreams.Kafka;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace ChatStreams.Streams.Runtime;

/// <summary>
/// Makes sure a topic exists before the first record goes to it (<see cref="Topology.CreateTopicsOnDemand"/>), so a
/// per-record sink can write "delivery.&lt;edge id&gt;" of an edge that just appeared: the producer never sees a
/// missing topic, which librdkafka would only report after metadata timeouts by failing the whole transaction.
/// Shared by the stream threads of one instance. A name is looked up in the metadata once, then remembered: later
/// records cost one dictionary lookup. The slow path is serialized (it is rare and bounded by the metadata wait).
/// </summary>
internal sealed class OnDemandTopicCreator
{
    private static readonly TimeSpan MetadataTimeout = TimeSpan.FromSeconds(30);
    private readonly ConcurrentDictionary<string, byte> _known = new();
    private readonly object _slowPath = new();
    private readonly IAdminClient _admin;
    private readonly Func<string, TopicSpec?> _specFor;
    private readonly ILogger _logger;

    /// <param name="knownTopics">Topics that exist already (the internal topics prepared at start).</param>
    public OnDemandTopicCreator(IAdminClient admin, Func<string, TopicSpec?> specFor, IEnumerable<string> knownTopics, ILogger logger)
    {
        _admin = admin;
        _specFor = specFor;
        _logger = logger;
        foreach (var topic in knownTopics) _known.TryAdd(topic, 0);
    }

    /// <summary>
    /// Returns once <paramref name="topic"/> exists, creating it from the topology's spec if needed. Throws when it
    /// does not exist and the topology has no spec for it, when the spec function throws, or when the created topic
    /// does not show up in the metadata in time.
    /// </summary>
    public void EnsureExists(string topic)
    {
        if (_known.ContainsKey(topic)) return;
        lock (_slowPath)
        {
            if (_known.ContainsKey(topic)) return;
            if (!Exists(topic)) Create(topic);
            _known.TryAdd(topic, 0);
        }
    }

    /// <summary>Looks the topic up again next time (a transaction that wrote to it failed: it may have been deleted).</summary>
    public void Forget(string topic) => _known.TryRemove(topic, out _);

    private void Create(string topic)
    {
        TopicSpec? spec;
        try
        {
            spec = _specFor(topic);
        }
        catch (Exception e)
        {
            throw new InvalidOperationException($"topic {topic} does not exist and the CreateTopicsOnDemand function threw for it: {e.Message}", e);
        }
        if (spec is null)
            throw new InvalidOperationException(
                $"topic {topic} does not exist and CreateTopicsOnDemand gives no spec for it: create the topic, or return a TopicSpec for it");
        if (spec.Name != topic)
            throw new InvalidOperationException($"CreateTopicsOnDemand answered a spec named {spec.Name} for topic {topic}");

        // Another thread or instance may create it at the same moment: TopicAlreadyExists counts as success.
        TopicProvisioner.CreateAsync(_admin, [spec]).GetAwaiter().GetResult();
        _logger.LogInformation("created topic {Topic} on demand ({Partitions} partitions, replication factor {ReplicationFactor})",
            topic, spec.Partitions, spec.ReplicationFactor);

        var deadline = DateTime.UtcNow + MetadataTimeout;
        while (!Exists(topic))
        {
            if (DateTime.UtcNow > deadline)
                throw new InvalidOperationException($"created topic {topic} but it did not appear in the metadata within {MetadataTimeout.TotalSeconds:0} s");
            Thread.Sleep(100);
        }
    }

    private bool Exists(string topic)
    {
        var metadata = _admin.GetMetadataRetrying(topic, MetadataTimeout);
        return metadata.Topics.Any(t => t.Topic == topic && t.Error.Code == ErrorCode.NoError && t.Partitions.Count > 0);
    }
}
