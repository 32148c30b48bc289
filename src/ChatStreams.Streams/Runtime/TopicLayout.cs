using ChatStreams.Streams.State;

namespace ChatStreams.Streams.Runtime;

/// <summary>One sub-topology with its topic names resolved against the application id and the cluster.</summary>
internal sealed record SubtopologyLayout(int Id, IReadOnlyList<string> SourceTopics, int Partitions, IReadOnlyList<StoreChangelogTopic> Changelogs);

/// <summary>A logged store and its changelog topic.</summary>
internal sealed record StoreChangelogTopic(string Store, string Topic);

/// <summary>An internal topic the runtime creates when it is missing.</summary>
internal sealed record InternalTopic(string Name, int Partitions, IReadOnlyDictionary<string, string> Configs, string Purpose);

/// <summary>
/// How a topology maps onto the cluster: which topics each sub-topology reads, how many tasks it has, which
/// internal topics must exist. A pure computation over the existing partition counts so it is testable
/// without a broker; <see cref="InternalTopicManager"/> applies it.
/// </summary>
internal sealed class TopicLayout
{
    private readonly Dictionary<string, int> _subtopologyByTopic;

    private TopicLayout(IReadOnlyList<SubtopologyLayout> subtopologies, IReadOnlyList<InternalTopic> internalTopics)
    {
        Subtopologies = subtopologies;
        InternalTopics = internalTopics;
        _subtopologyByTopic = subtopologies.SelectMany(s => s.SourceTopics.Select(t => (t, s.Id))).ToDictionary(x => x.t, x => x.Id);
    }

    public IReadOnlyList<SubtopologyLayout> Subtopologies { get; }

    /// <summary>Every internal topic the topology needs (changelogs, repartition topics, the dead-letter topic).</summary>
    public IReadOnlyList<InternalTopic> InternalTopics { get; }

    /// <summary>All (resolved) source topics: what the stream threads subscribe to.</summary>
    public IEnumerable<string> SourceTopics => Subtopologies.SelectMany(s => s.SourceTopics);

    public SubtopologyLayout SubtopologyReading(string topic) =>
        _subtopologyByTopic.TryGetValue(topic, out var id) ? Subtopologies[id] : throw new InvalidOperationException($"no sub-topology reads {topic}");

    public bool IsSourceTopic(string topic) => _subtopologyByTopic.ContainsKey(topic);

    /// <summary>
    /// Resolves the topology against the partition counts of the topics that exist now.
    /// Throws <see cref="MissingSourceTopicException"/>, <see cref="CopartitioningException"/> or
    /// <see cref="InternalTopicMismatchException"/> with what to do.
    /// </summary>
    public static TopicLayout Plan(Topology topology, StreamsConfig config, IReadOnlyDictionary<string, int> existingPartitions)
    {
        var appId = config.ApplicationId;
        var subtopologies = topology.Subtopologies();
        var repartition = topology.InternalTopics.Values.ToDictionary(d => InternalTopicDefinition.Resolve(Topology.InternalTopicName(d.Name), appId));
        var external = subtopologies.SelectMany(s => s.SourceTopics).Select(t => InternalTopicDefinition.Resolve(t, appId))
            .Where(t => !repartition.ContainsKey(t)).Distinct().ToList();

        var missing = external.Where(t => !existingPartitions.ContainsKey(t)).ToList();
        if (missing.Count > 0) throw new MissingSourceTopicException(missing);
        var largestExternal = external.Count == 0 ? 1 : external.Max(t => existingPartitions[t]);

        var repartitionCounts = new Dictionary<string, int>();
        int PartitionsOf(string topic, HashSet<string> visiting)
        {
            if (!repartition.TryGetValue(topic, out var definition)) return existingPartitions[topic];
            if (repartitionCounts.TryGetValue(topic, out var known)) return known;
            int count;
            if (definition.Partitions is { } given) count = given;
            else if (existingPartitions.TryGetValue(topic, out var existing)) count = existing;
            else if (!visiting.Add(topic)) return largestExternal;
            else
            {
                // As many partitions as the largest input of the sub-topologies writing into it (Kafka Streams' rule).
                var writers = subtopologies.Where(s => s.Nodes.OfType<SinkDefinition>()
                    .Any(k => k.FixedTopic is { } fixedTopic && InternalTopicDefinition.Resolve(fixedTopic, appId) == topic)).ToList();
                var upstream = writers.SelectMany(s => s.SourceTopics).Select(t => InternalTopicDefinition.Resolve(t, appId)).Distinct().ToList();
                count = upstream.Count == 0 ? largestExternal : upstream.Max(t => PartitionsOf(t, visiting));
            }
            repartitionCounts[topic] = count;
            return count;
        }

        var internalTopics = new List<InternalTopic>();
        foreach (var (name, definition) in repartition)
        {
            var count = PartitionsOf(name, []);
            if (definition.Partitions is { } given && existingPartitions.TryGetValue(name, out var actual) && actual != given)
                throw new InternalTopicMismatchException(name, actual, given, "the topology declares that many for the repartition topic");
            internalTopics.Add(new InternalTopic(name, count, new Dictionary<string, string>(), "repartition"));
        }

        var layouts = new List<SubtopologyLayout>();
        foreach (var sub in subtopologies)
        {
            var sources = sub.SourceTopics.Select(t => InternalTopicDefinition.Resolve(t, appId)).Distinct().ToList();
            var counts = sources.ToDictionary(t => t, t => PartitionsOf(t, []));
            if (counts.Values.Distinct().Count() > 1) throw new CopartitioningException(sub.Id, counts);
            var partitions = counts.Values.FirstOrDefault(1);

            var changelogs = new List<StoreChangelogTopic>();
            foreach (var storeName in sub.StoreNames)
            {
                var store = topology.Stores[storeName];
                if (!store.Builder.LoggingEnabled) continue;
                var topic = store.ChangelogTopic(appId);
                if (existingPartitions.TryGetValue(topic, out var actual) && actual != partitions)
                    throw new InternalTopicMismatchException(topic, actual, partitions,
                        $"changelog partition i belongs to task {sub.Id}_i, and sub-topology {sub.Id} has {partitions} partitions");
                changelogs.Add(new StoreChangelogTopic(storeName, topic));
                internalTopics.Add(new InternalTopic(topic, partitions, ChangelogConfigs(store.Builder), $"changelog of store {storeName}"));
            }
            layouts.Add(new SubtopologyLayout(sub.Id, sources, partitions, changelogs));
        }

        if (config.DeserializationErrors == DeserializationErrorPolicy.DeadLetter)
            internalTopics.Add(new InternalTopic(config.ResolvedDeadLetterTopic, largestExternal, new Dictionary<string, string>(), "dead letters"));
        return new TopicLayout(layouts, internalTopics);
    }

    private static IReadOnlyDictionary<string, string> ChangelogConfigs(IStoreBuilder builder)
    {
        var configs = new Dictionary<string, string>(builder.ChangelogConfig);
        // A changelog is a table: without compaction it grows forever and restores get slower every day.
        configs.TryAdd("cleanup.policy", "compact");
        return configs;
    }
}
