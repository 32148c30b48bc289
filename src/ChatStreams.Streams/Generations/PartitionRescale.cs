using ChatStreams.Contracts;
using ChatStreams.Kafka;
using ChatStreams.Kafka.Generations;
using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace ChatStreams.Streams.Generations;

/// <summary>How long the steps of a rescale may wait.</summary>
public sealed record RescaleOptions
{
    /// <summary>How long to wait for every registered producer to report its switch before writing the markers anyway.</summary>
    public TimeSpan ProducerWait { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long the old generation may take to pass its markers, and the new one to catch up.</summary>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromMinutes(10);

    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(200);
}

/// <summary>One line of progress: the phase reached (or being worked on) and what happened.</summary>
public sealed record RescaleProgress(RescalePhase Phase, string Message);

/// <summary>What a finished rescale did and how long the next generation's records were held.</summary>
public sealed record RescaleResult(string Topic, int FromGeneration, int FromPartitions, int Generation, int Partitions,
    TimeSpan Held, TimeSpan UntilCaughtUp, IReadOnlyList<string> ProducersThatDidNotReport);

/// <summary>The rescale was refused before anything changed (the message says why and what to do).</summary>
public sealed class RescaleRefusedException(string message) : Exception(message);

/// <summary>
/// Rescales a keyed input topic of a streams application without reordering or losing a key's records (see
/// docs/operations.md, "Rescaling partitions"): a new generation of the topic with the new partition count; producers
/// switched to it; a cutover marker appended to every old partition; the old generation's application drained past
/// every marker; its state re-keyed into the new generation's changelogs; then the new generation released. Every step
/// is recorded in the topic's generation record before the next begins and every step can be repeated, so a
/// procedure that crashed (or was stopped) is resumed by running it again with the same target.
/// </summary>
public sealed class PartitionRescale(KafkaOptions kafka, RescaleOptions? options = null)
{
    private readonly RescaleOptions _options = options ?? new RescaleOptions();

    public async Task<RescaleResult> RunAsync(string baseTopic, string baseApplicationId, int targetPartitions,
        IProgress<RescaleProgress>? progress = null, CancellationToken ct = default)
    {
        using var log = new TopicGenerationLog(kafka, "chatctl-rescale");
        using var admin = new AdminClientBuilder(KafkaClientConfigs.Admin(kafka, "chatctl-rescale")).Build();
        await log.EnsureTopicAsync();
        var state = Load(log, admin, baseTopic);
        Validate(state, targetPartitions);
        var fromGeneration = state.Generation;
        var fromPartitions = state.Partitions;
        var oldTopic = TopicGenerations.TopicName(baseTopic, state.Generation);
        var newTopic = TopicGenerations.TopicName(baseTopic, state.NextGeneration);
        var oldApplication = TopicGenerations.ApplicationId(baseApplicationId, state.Generation);
        var newApplication = TopicGenerations.ApplicationId(baseApplicationId, state.NextGeneration);
        void Report(RescalePhase phase, string message) => progress?.Report(new RescaleProgress(phase, message));
        if (state.Rescaling) Report(state.Phase, $"resuming the rescale of {oldTopic} ({state.Partitions} partitions) to {newTopic} ({targetPartitions}) at phase {state.Phase}");

        async Task Advance(TopicGenerationState next)
        {
            state = next with { UpdatedAt = DateTimeOffset.UtcNow };
            await log.WriteStateAsync(state, ct);
            Report(state.Phase, $"phase {state.Phase} recorded");
        }

        var stragglers = new List<string>();
        if (state.Phase == RescalePhase.Stable)
        {
            var changelogs = await CreateNextGenerationTopicsAsync(admin, oldTopic, newTopic, oldApplication, newApplication, targetPartitions);
            Report(RescalePhase.Prepared, $"created {newTopic} and {changelogs} changelog topics of {newApplication} with {targetPartitions} partitions");
            await Advance(state with { Phase = RescalePhase.Prepared, TargetPartitions = targetPartitions });
        }
        if (state.Phase == RescalePhase.Prepared)
            await Advance(state with { Phase = RescalePhase.Switching, HeldSince = DateTimeOffset.UtcNow });
        if (state.Phase == RescalePhase.Switching)
        {
            stragglers = await WaitForProducersAsync(log, state, Report, ct);
            var markers = await WriteMarkersAsync(oldTopic, newTopic, state.Partitions, ct);
            Report(RescalePhase.Switching, $"cutover markers written to all {markers.Count} partitions of {oldTopic}");
            await Advance(state with { Phase = RescalePhase.CutOver, Markers = markers });
        }
        if (state.Phase == RescalePhase.CutOver)
        {
            await WaitForDrainAsync(admin, oldApplication, oldTopic, state.Markers, Report, ct);
            await Advance(state with { Phase = RescalePhase.Drained });
        }
        if (state.Phase == RescalePhase.Drained)
        {
            var pairs = StoreChangelogs(admin, oldApplication).Select(c => (c.Topic, Changelog(newApplication, c.Store))).ToList();
            var rekeying = new ChangelogRekeying(kafka, $"rescale-{newApplication}");
            var written = await Task.Run(() => rekeying.Copy(pairs, targetPartitions, m => Report(RescalePhase.Drained, m), ct), ct);
            Report(RescalePhase.Drained, $"state migrated: {written.Values.Sum()} store entries in {written.Count} changelogs");
            await Advance(state with { Phase = RescalePhase.Migrated, ReleasedAt = DateTimeOffset.UtcNow });
        }
        var releasedAt = state.ReleasedAt ?? DateTimeOffset.UtcNow;
        var heldSince = state.HeldSince ?? releasedAt;
        if (state.Phase == RescalePhase.Migrated)
        {
            await Advance(new TopicGenerationState
            {
                Topic = baseTopic, Generation = state.NextGeneration, Partitions = targetPartitions, RetiredGeneration = state.Generation,
                HeldSince = state.HeldSince, ReleasedAt = state.ReleasedAt,
            });
        }
        var caughtUp = await WaitForCatchUpAsync(admin, newApplication, newTopic, Report, ct);
        return new RescaleResult(baseTopic, fromGeneration, fromPartitions, state.Generation, state.Partitions,
            releasedAt - heldSince, caughtUp - heldSince, stragglers);
    }

    private static TopicGenerationState Load(TopicGenerationLog log, IAdminClient admin, string baseTopic)
    {
        if (log.ReadState(baseTopic, TimeSpan.FromSeconds(30)) is { } recorded) return recorded;
        var partitions = PartitionCount(admin, baseTopic)
                         ?? throw new RescaleRefusedException($"topic {baseTopic} does not exist: start the system (or create the topics) before rescaling it");
        return new TopicGenerationState { Topic = baseTopic, Partitions = partitions };
    }

    private static void Validate(TopicGenerationState state, int target)
    {
        if (state.Rescaling && state.TargetPartitions != target)
            throw new RescaleRefusedException(
                $"a rescale of {state.Topic} to {state.TargetPartitions} partitions is in progress (phase {state.Phase}); run it again with --to {state.TargetPartitions} to finish it first");
        if (!state.Rescaling && target <= state.Partitions)
            throw new RescaleRefusedException(
                $"{TopicGenerations.TopicName(state.Topic, state.Generation)} already has {state.Partitions} partitions; --to must be more than that " +
                "(partitions can only be added: fewer partitions would put more keys on each task, which a restart with fewer instances achieves without moving data)");
    }

    private async Task<int> CreateNextGenerationTopicsAsync(IAdminClient admin, string oldTopic, string newTopic, string oldApplication, string newApplication, int partitions)
    {
        var specs = new List<TopicSpec> { new(newTopic, partitions, -1, await ConfigsOfAsync(admin, oldTopic)) };
        foreach (var changelog in StoreChangelogs(admin, oldApplication))
            specs.Add(new TopicSpec(Changelog(newApplication, changelog.Store), partitions, -1, await ConfigsOfAsync(admin, changelog.Topic)));
        await TopicProvisioner.CreateAsync(admin, specs);
        foreach (var spec in specs)
            if (PartitionCount(admin, spec.Name) is { } actual && actual != partitions)
                throw new InvalidOperationException($"{spec.Name} exists with {actual} partitions, not {partitions}: it was made by something else; delete it and run the rescale again");
        return specs.Count - 1;
    }

    /// <summary>The topic configs set explicitly on a topic (retention, cleanup policy …), to give its successor the same.</summary>
    private static async Task<Dictionary<string, string>> ConfigsOfAsync(IAdminClient admin, string topic)
    {
        var described = await admin.DescribeConfigsAsync([new ConfigResource { Type = ResourceType.Topic, Name = topic }]);
        return described.Single().Entries.Values
            .Where(e => e.Source == ConfigSource.DynamicTopicConfig && e.Value is not null)
            .ToDictionary(e => e.Name, e => e.Value);
    }

    /// <summary>The logged stores of an application (changelog "&lt;app&gt;-&lt;store&gt;-changelog"), without the cutover gate's own.</summary>
    private static List<(string Store, string Topic)> StoreChangelogs(IAdminClient admin, string application)
    {
        var prefix = application + "-";
        const string suffix = "-changelog";
        return admin.GetMetadata(TimeSpan.FromSeconds(10)).Topics
            .Select(t => t.Topic)
            .Where(t => t.StartsWith(prefix, StringComparison.Ordinal) && t.EndsWith(suffix, StringComparison.Ordinal))
            .Select(t => (Store: t[prefix.Length..^suffix.Length], Topic: t))
            // The gate's own store says which partitions passed *this* generation's markers: the next generation starts without.
            .Where(c => c.Store != GenerationCutover<object, object>.StoreName)
            .OrderBy(c => c.Store, StringComparer.Ordinal)
            .ToList();
    }

    private static string Changelog(string application, string store) => $"{application}-{store}-changelog";

    private static int? PartitionCount(IAdminClient admin, string topic)
    {
        var metadata = admin.GetMetadata(topic, TimeSpan.FromSeconds(10)).Topics.SingleOrDefault();
        return metadata is null || metadata.Error.Code != ErrorCode.NoError ? null : metadata.Partitions.Count;
    }

    private async Task<List<string>> WaitForProducersAsync(TopicGenerationLog log, TopicGenerationState state, Action<RescalePhase, string> report, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + _options.ProducerWait;
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
                    $"warning: {string.Join(", ", behind)} did not report a switch within {_options.ProducerWait.TotalSeconds:0} s (stopped or unreachable?); " +
                    "writing the markers anyway: whatever they still write to the old generation is forwarded to the new one");
                return behind;
            }
            await Task.Delay(_options.PollInterval, ct);
        }
    }

    private async Task<Dictionary<int, long>> WriteMarkersAsync(string oldTopic, string newTopic, int partitions, CancellationToken ct)
    {
        using var producer = new ProducerBuilder<byte[]?, byte[]?>(KafkaClientConfigs.Producer(kafka, "chatctl-rescale-markers")).Build();
        var written = await Task.WhenAll(Enumerable.Range(0, partitions)
            .Select(p => producer.ProduceAsync(new TopicPartition(oldTopic, p), CutoverMarker.Create(newTopic), ct)));
        return written.ToDictionary(r => r.Partition.Value, r => r.Offset.Value);
    }

    private async Task WaitForDrainAsync(IAdminClient admin, string application, string topic, IReadOnlyDictionary<int, long> markers,
        Action<RescalePhase, string> report, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + _options.DrainTimeout;
        var lastPassed = -1;
        while (true)
        {
            var committed = await CommittedAsync(admin, application, topic, markers.Keys);
            var passed = markers.Count(m => committed.GetValueOrDefault(m.Key, -1) > m.Value);
            if (passed != lastPassed) report(RescalePhase.CutOver, $"{passed}/{markers.Count} partitions of {topic} processed past their cutover marker");
            lastPassed = passed;
            if (passed == markers.Count) return;
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException(
                    $"{application} did not process past the cutover markers of {markers.Count - passed} partitions of {topic} within {_options.DrainTimeout.TotalMinutes:0} min: " +
                    "check that its processors run (chatstreams topology conversation), then run the rescale again to continue waiting");
            await Task.Delay(_options.PollInterval, ct);
        }
    }

    /// <summary>Waits until the new generation's application has committed everything written to its topic so far (the held records included).</summary>
    private async Task<DateTimeOffset> WaitForCatchUpAsync(IAdminClient admin, string application, string topic, Action<RescalePhase, string> report, CancellationToken ct)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>(KafkaClientConfigs.Consumer(kafka, "chatctl-rescale-ends", "chatctl-rescale-unused")).Build();
        var partitions = PartitionCount(admin, topic) ?? 0;
        var ends = Enumerable.Range(0, partitions)
            .ToDictionary(p => p, p => consumer.QueryWatermarkOffsets(new TopicPartition(topic, p), TimeSpan.FromSeconds(10)).High.Value);
        var deadline = DateTime.UtcNow + _options.DrainTimeout;
        report(RescalePhase.Migrated, $"waiting for {application} to process the {ends.Values.Sum()} records held in {topic}");
        while (true)
        {
            var committed = await CommittedAsync(admin, application, topic, ends.Keys);
            if (ends.All(e => e.Value == 0 || committed.GetValueOrDefault(e.Key, -1) >= e.Value))
            {
                report(RescalePhase.Stable, $"{application} caught up with {topic}");
                return DateTimeOffset.UtcNow;
            }
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"{application} did not catch up with {topic} within {_options.DrainTimeout.TotalMinutes:0} min; the rescale itself is complete — check its processors");
            await Task.Delay(_options.PollInterval, ct);
        }
    }

    private static async Task<Dictionary<int, long>> CommittedAsync(IAdminClient admin, string group, string topic, IEnumerable<int> partitions)
    {
        var result = await admin.ListConsumerGroupOffsetsAsync([new ConsumerGroupTopicPartitions(group, partitions.Select(p => new TopicPartition(topic, p)).ToList())]);
        return result.Single().Partitions.Where(p => p.Offset.Value >= 0).ToDictionary(p => p.Partition.Value, p => p.Offset.Value);
    }
}
