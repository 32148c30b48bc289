using ChatStreams.Kafka;
using ChatStreams.Kafka.Generations;
using Confluent.Kafka;

namespace ChatStreams.Streams.Generations;

/// <summary>
/// The writes and waits of a rescale that talk to Kafka: producers' switch reports, cutover markers, the old
/// application's drain past its markers and the new one's catch-up. Each wait gives up after its timeout with a
/// message that says what to check; the procedure is then resumed by running it again.
/// </summary>
internal sealed class RescaleWaits(KafkaOptions kafka, RescaleOptions options)
{
    public async Task<List<string>> ForProducersAsync(TopicGenerationLog log, TopicGenerationState state, Action<RescalePhase, string> report, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + options.ProducerWait;
        var prefix = TopicGenerations.ProducerPrefix(state.Topic);
        while (true)
        {
            var behind = log.ReadAll(TimeSpan.FromSeconds(30))
                .Where(r => r.Key.StartsWith(prefix, StringComparison.Ordinal))
                .Select(r => ProducerGenerationReport.FromBytes(r.Value))
                .Where(r => r.Generation < state.NextGeneration)
                .Select(r => r.ProducerId)
                .Order(StringComparer.Ordinal)
                .ToList();
            if (behind.Count == 0)
            {
                report(RescalePhase.Switching, "every registered producer writes the new generation");
                return [];
            }
            if (DateTime.UtcNow > deadline)
            {
                report(RescalePhase.Switching,
                    $"warning: {string.Join(", ", behind)} did not report a switch within {options.ProducerWait.TotalSeconds:0} s (stopped or unreachable?); " +
                    "writing the markers anyway: whatever they still write to the old generation is forwarded to the new one");
                return behind;
            }
            await Task.Delay(options.PollInterval, ct);
        }
    }

    /// <summary>Appends a marker naming <paramref name="successor"/> to every partition of each topic; returns their offsets per topic.</summary>
    public async Task<Dictionary<string, Dictionary<int, long>>> WriteMarkersAsync(IReadOnlyList<string> topics, string successor, int partitions, CancellationToken ct)
    {
        using var producer = new ProducerBuilder<byte[]?, byte[]?>(KafkaClientConfigs.Producer(kafka, "chatctl-rescale-markers")).Build();
        var written = await Task.WhenAll(topics.SelectMany(topic => Enumerable.Range(0, partitions)
            .Select(p => producer.ProduceAsync(new TopicPartition(topic, p), CutoverMarker.Create(successor), ct))));
        return written.GroupBy(r => r.Topic).ToDictionary(g => g.Key, g => g.ToDictionary(r => r.Partition.Value, r => r.Offset.Value));
    }

    public async Task ForDrainAsync(RescaleAdmin admin, string application, string topic, IReadOnlyDictionary<int, long> markers,
        Action<RescalePhase, string> report, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + options.DrainTimeout;
        var lastPassed = -1;
        while (true)
        {
            var committed = await admin.CommittedAsync(application, topic, markers.Keys);
            var passed = markers.Count(m => committed.GetValueOrDefault(m.Key, -1) > m.Value);
            if (passed != lastPassed) report(RescalePhase.CutOver, $"{passed}/{markers.Count} partitions of {topic} processed past their cutover marker by {application}");
            lastPassed = passed;
            if (passed == markers.Count) return;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException(
                    $"{application} did not process past the cutover markers of {markers.Count - passed} partitions of {topic} within {options.DrainTimeout.TotalMinutes:0} min: " +
                    "check that its processors run (chatstreams topology all), then run the rescale again to continue waiting");
            await Task.Delay(options.PollInterval, ct);
        }
    }

    /// <summary>
    /// The partitions among <paramref name="lagging"/> (partition → committed, end) where a read_committed reader
    /// finds a record between the committed offset and the end: the others are behind by transaction markers only.
    /// </summary>
    private static HashSet<int> WithRecords(IConsumer<byte[], byte[]> consumer, string topic, Dictionary<int, (long From, long End)> lagging)
    {
        var open = lagging.Keys.ToHashSet();
        var withRecords = new HashSet<int>();
        consumer.Assign(lagging.Select(l => new TopicPartitionOffset(topic, l.Key, l.Value.From)));
        try
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
            while (open.Count > 0 && DateTime.UtcNow < deadline)
            {
                if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is not { } result || !open.Remove(result.Partition.Value)) continue;
                if (!result.IsPartitionEOF && result.Offset.Value < lagging[result.Partition.Value].End) withRecords.Add(result.Partition.Value);
            }
            withRecords.UnionWith(open); // no answer: assume something is left
            return withRecords;
        }
        finally
        {
            consumer.Unassign();
        }
    }

    /// <summary>Waits until the new generation's application has committed everything written to its topic so far (the held records included).</summary>
    public async Task<DateTimeOffset> ForCatchUpAsync(RescaleAdmin admin, string application, string topic, Action<RescalePhase, string> report, CancellationToken ct)
    {
        var config = KafkaClientConfigs.Consumer(kafka, "chatctl-rescale-ends", "chatctl-rescale-unused");
        config.EnablePartitionEof = true;
        using var consumer = new ConsumerBuilder<byte[], byte[]>(config).Build();
        var partitions = admin.PartitionCount(topic) ?? 0;
        var ends = Enumerable.Range(0, partitions)
            .ToDictionary(p => p, p => consumer.QueryWatermarkOffsets(new TopicPartition(topic, p), TimeSpan.FromSeconds(10)).High.Value);
        var deadline = DateTime.UtcNow + options.DrainTimeout;
        report(RescalePhase.Migrated, $"waiting for {application} to process the {ends.Values.Sum()} records held in {topic}");
        var previous = new Dictionary<int, long>();
        while (true)
        {
            var committed = await admin.CommittedAsync(application, topic, ends.Keys);
            var behind = ends.Where(e => e.Value > 0 && committed.GetValueOrDefault(e.Key, -1) < e.Value)
                .ToDictionary(e => e.Key, e => (From: Math.Max(0, committed.GetValueOrDefault(e.Key, 0)), End: e.Value));
            // Behind by nothing but transaction markers counts as caught up: an idle task has nothing to commit past them.
            // Looked at only once the application stopped moving, so a busy one is not slowed down by the reads.
            var idle = behind.All(b => previous.TryGetValue(b.Key, out var before) && before == b.Value.From);
            previous = behind.ToDictionary(b => b.Key, b => b.Value.From);
            if (behind.Count == 0 || (idle && WithRecords(consumer, topic, behind).Count == 0))
            {
                report(RescalePhase.Stable, $"{application} caught up with {topic}");
                return DateTimeOffset.UtcNow;
            }
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{application} did not catch up with {topic} within {options.DrainTimeout.TotalMinutes:0} min; the rescale itself is complete — check its processors");
            await Task.Delay(options.PollInterval, ct);
        }
    }
}
