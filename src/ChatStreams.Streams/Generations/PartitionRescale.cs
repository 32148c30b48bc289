using ChatStreams.Kafka;
using ChatStreams.Kafka.Generations;
using Confluent.Kafka;

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
/// <param name="Held">Switch → release of the source's new generation.</param>
/// <param name="Downstream">The downstream topics' part, when the plan had one and this run moved them.</param>
public sealed record RescaleResult(string Topic, int FromGeneration, int FromPartitions, int Generation, int Partitions,
    TimeSpan Held, TimeSpan UntilCaughtUp, IReadOnlyList<string> ProducersThatDidNotReport, DownstreamRescaleResult? Downstream = null);

/// <param name="Held">Release of the source's new generation (its first downstream records can exist) → release of the downstream readers' new generation.</param>
public sealed record DownstreamRescaleResult(IReadOnlyList<string> Topics, int FromGeneration, int Generation, int Partitions, TimeSpan Held);

/// <summary>The rescale was refused before anything changed (the message says why and what to do).</summary>
public sealed class RescaleRefusedException(string message) : Exception(message);

/// <summary>
/// Rescales keyed topics of streams applications without reordering or losing a key's records (see
/// docs/operations.md, "Rescaling partitions"). The source stage: a new generation of the topic with the new partition
/// count; producers switched to it; a cutover marker appended to every old partition; the old generation's
/// application drained past every marker; its state re-keyed into the new generation's changelogs; the new generation
/// released. The optional downstream stage (topics only the source's application writes) follows: its new generation
/// is created with the source's, its markers are appended once the source's old generation drained (nothing writes the
/// old downstream generation after that), its readers are drained past them, their keyed state re-keyed, and their new
/// generation released. Every step is recorded in the generation records before the next begins and every step can be
/// repeated, so a procedure that crashed (or was stopped) is resumed by running it again with the same target.
/// </summary>
public sealed class PartitionRescale(KafkaOptions kafka, RescaleOptions? options = null)
{
    private readonly RescaleOptions _options = options ?? new RescaleOptions();

    /// <summary>The single-topic, single-application rescale.</summary>
    public Task<RescaleResult> RunAsync(string baseTopic, string baseApplicationId, int targetPartitions,
        IProgress<RescaleProgress>? progress = null, CancellationToken ct = default) =>
        RunAsync(RescalePlan.Single(baseTopic, baseApplicationId), targetPartitions, progress, ct);

    public async Task<RescaleResult> RunAsync(RescalePlan plan, int targetPartitions, IProgress<RescaleProgress>? progress = null, CancellationToken ct = default)
    {
        using var log = new TopicGenerationLog(kafka, "chatctl-rescale");
        using var client = new AdminClientBuilder(KafkaClientConfigs.Admin(kafka, "chatctl-rescale")).Build();
        var admin = new RescaleAdmin(client);
        var waits = new RescaleWaits(kafka, _options);
        await log.EnsureTopicAsync();
        var source = new StageRun(plan.Source, Load(log, admin, plan.Source));
        var downstream = plan.Downstream is { } d ? new StageRun(d, Load(log, admin, d)) : null;
        // A source rescale started without its downstream (by an older chatctl) is finished alone.
        if (downstream is not null && source.State.Rescaling && !downstream.State.Rescaling) downstream = null;
        Validate(source, downstream, targetPartitions);
        void Report(RescalePhase phase, string message) => progress?.Report(new RescaleProgress(phase, message));
        async Task Advance(StageRun stage, TopicGenerationState next)
        {
            stage.State = next with { UpdatedAt = DateTimeOffset.UtcNow };
            await log.WriteStateAsync(stage.State, ct);
            Report(stage.State.Phase, stage == source ? $"phase {stage.State.Phase} recorded" : $"{stage.Stage.BaseTopic}: phase {stage.State.Phase} recorded");
        }

        var sourceMoves = source.State.Rescaling || source.State.Partitions < targetPartitions;
        var fromGeneration = sourceMoves ? source.State.Generation : source.State.RetiredGeneration ?? source.State.Generation;
        var fromPartitions = sourceMoves ? source.State.Partitions
            : admin.PartitionCount(TopicGenerations.TopicName(plan.Source.BaseTopic, fromGeneration)) ?? source.State.Partitions;
        var downstreamFrom = downstream?.State.Generation ?? 1;
        foreach (var stage in new[] { source, downstream }.OfType<StageRun>())
            if (stage.State.Rescaling) Report(stage.State.Phase, $"resuming the rescale of {stage.OldTopic} ({stage.State.Partitions} partitions) to {stage.NewTopic} ({targetPartitions}) at phase {stage.State.Phase}");

        // Prepared: every new topic and changelog exists; the downstream record first, so that when the source's new
        // instance is built (on the source's Prepared) the downstream generation it writes exists.
        if (sourceMoves && source.State.Phase == RescalePhase.Stable)
        {
            var (topics, changelogs) = await CreateNextGenerationAsync(admin, source, targetPartitions);
            if (downstream is not null)
            {
                var (more, moreChangelogs) = await CreateNextGenerationAsync(admin, downstream, targetPartitions);
                topics = [.. topics, .. more];
                changelogs += moreChangelogs;
            }
            Report(RescalePhase.Prepared, $"created {string.Join(", ", topics)} and {changelogs} changelog topics with {targetPartitions} partitions");
            if (downstream is { State.Phase: RescalePhase.Stable })
                await Advance(downstream, downstream.State with
                {
                    Phase = RescalePhase.Prepared, TargetPartitions = targetPartitions, Companions = downstream.Stage.Companions,
                });
            var outputs = downstream is null ? source.State.OutputGenerations
                : new Dictionary<int, int>(source.State.OutputGenerations) { [source.State.NextGeneration] = downstream.State.NextGeneration };
            await Advance(source, source.State with { Phase = RescalePhase.Prepared, TargetPartitions = targetPartitions, OutputGenerations = outputs });
        }
        var stragglers = new List<string>();
        if (source.State.Phase == RescalePhase.Prepared)
            await Advance(source, source.State with { Phase = RescalePhase.Switching, HeldSince = DateTimeOffset.UtcNow });
        if (source.State.Phase == RescalePhase.Switching)
        {
            stragglers = await waits.ForProducersAsync(log, source.State, Report, ct);
            var markers = await waits.WriteMarkersAsync([source.OldTopic], source.NewTopic, source.State.Partitions, ct);
            Report(RescalePhase.Switching, $"cutover markers written to all {markers[source.OldTopic].Count} partitions of {source.OldTopic}");
            await Advance(source, source.State with { Phase = RescalePhase.CutOver, Markers = markers[source.OldTopic] });
        }
        if (source.State.Phase == RescalePhase.CutOver)
        {
            await waits.ForDrainAsync(admin, source.OldApplication(source.Stage.Readers[0]), source.OldTopic, source.State.Markers, Report, ct);
            await Advance(source, source.State with { Phase = RescalePhase.Drained });
        }
        // The source's old generation is final: nothing writes the downstream's old generation any more.
        if (downstream is { State.Phase: RescalePhase.Prepared } && (source.State.Phase >= RescalePhase.Drained || !source.State.Rescaling))
        {
            var markers = await waits.WriteMarkersAsync(downstream.OldTopics, downstream.NewTopic, downstream.State.Partitions, ct);
            Report(RescalePhase.Prepared, $"cutover markers written to all {downstream.State.Partitions} partitions of {string.Join(" and ", downstream.OldTopics)}");
            var all = new Dictionary<string, Dictionary<int, long>>(downstream.State.CutoverMarkers);
            foreach (var (topic, offsets) in markers) all[topic] = offsets;
            await Advance(downstream, downstream.State with
            {
                Phase = RescalePhase.CutOver, Markers = markers[downstream.OldTopic], CutoverMarkers = all, HeldSince = DateTimeOffset.UtcNow,
            });
        }
        if (source.State.Phase == RescalePhase.Drained)
        {
            var written = await MigrateAsync(admin, source, source.Stage.Readers[0], targetPartitions, Report, ct);
            Report(RescalePhase.Drained, $"state migrated: {written.Values.Sum()} store entries in {written.Count} changelogs");
            await Advance(source, source.State with { Phase = RescalePhase.Migrated, ReleasedAt = DateTimeOffset.UtcNow });
        }
        var releasedAt = source.State.ReleasedAt ?? DateTimeOffset.UtcNow;
        var heldSince = source.State.HeldSince ?? releasedAt;
        if (source.State.Phase == RescalePhase.Migrated) await Advance(source, Promoted(source.State, targetPartitions));

        if (downstream is { State.Phase: RescalePhase.CutOver })
        {
            foreach (var reader in downstream.Stage.Readers)
            foreach (var input in reader.Inputs)
            {
                var topic = TopicGenerations.TopicName(input, downstream.State.Generation);
                await waits.ForDrainAsync(admin, downstream.OldApplication(reader), topic, downstream.State.CutoverMarkers[topic], Report, ct);
            }
            await Advance(downstream, downstream.State with { Phase = RescalePhase.Drained });
        }
        if (downstream is { State.Phase: RescalePhase.Drained })
        {
            var entries = 0;
            foreach (var reader in downstream.Stage.Readers)
                entries += (await MigrateAsync(admin, downstream, reader, targetPartitions, Report, ct)).Values.Sum();
            Report(RescalePhase.Drained, $"{downstream.Stage.BaseTopic}: state of {downstream.Stage.Readers.Count} applications migrated: {entries} store entries");
            await Advance(downstream, downstream.State with { Phase = RescalePhase.Migrated, ReleasedAt = DateTimeOffset.UtcNow });
        }
        DownstreamRescaleResult? downstreamResult = null;
        if (downstream is not null)
        {
            var downstreamHeld = (downstream.State.ReleasedAt ?? DateTimeOffset.UtcNow) - releasedAt;
            if (downstream.State.Phase == RescalePhase.Migrated) await Advance(downstream, Promoted(downstream.State, targetPartitions));
            downstreamResult = new DownstreamRescaleResult(downstream.Stage.Topics, downstreamFrom, downstream.State.Generation, downstream.State.Partitions,
                downstreamHeld < TimeSpan.Zero ? TimeSpan.Zero : downstreamHeld);
        }

        var caughtUp = await waits.ForCatchUpAsync(admin, source.CurrentApplication(source.Stage.Readers[0]), source.CurrentTopic, Report, ct);
        if (downstream is not null)
            foreach (var reader in downstream.Stage.Readers)
            foreach (var input in reader.Inputs)
                caughtUp = await waits.ForCatchUpAsync(admin, downstream.CurrentApplication(reader), TopicGenerations.TopicName(input, downstream.State.Generation), Report, ct);
        return new RescaleResult(plan.Source.BaseTopic, fromGeneration, fromPartitions,
            source.State.Generation, source.State.Partitions, releasedAt - heldSince, caughtUp - heldSince, stragglers, downstreamResult);
    }

    /// <summary>The record of the stable next generation, keeping what outlives one rescale (markers, output generations).</summary>
    private static TopicGenerationState Promoted(TopicGenerationState state, int partitions) => new()
    {
        Topic = state.Topic, Generation = state.NextGeneration, Partitions = partitions, RetiredGeneration = state.Generation,
        HeldSince = state.HeldSince, ReleasedAt = state.ReleasedAt, Companions = state.Companions, CutoverMarkers = state.CutoverMarkers,
        OutputGenerations = state.OutputGenerations,
    };

    /// <summary>A stage of the plan with its generation record as the run goes.</summary>
    private sealed class StageRun(RescaleStage stage, TopicGenerationState state)
    {
        public RescaleStage Stage { get; } = stage;
        public TopicGenerationState State { get; set; } = state;
        public string OldTopic => TopicGenerations.TopicName(Stage.BaseTopic, State.Generation);
        public string NewTopic => TopicGenerations.TopicName(Stage.BaseTopic, State.NextGeneration);
        public string CurrentTopic => OldTopic; // after the promotion State.Generation is the new one
        public IReadOnlyList<string> OldTopics => Stage.Topics.Select(t => TopicGenerations.TopicName(t, State.Generation)).ToList();
        public string OldApplication(RescaledApplication reader) => TopicGenerations.ApplicationId(reader.BaseApplicationId, State.Generation);
        public string NewApplication(RescaledApplication reader) => TopicGenerations.ApplicationId(reader.BaseApplicationId, State.NextGeneration);
        public string CurrentApplication(RescaledApplication reader) => OldApplication(reader);
    }

    private static TopicGenerationState Load(TopicGenerationLog log, RescaleAdmin admin, RescaleStage stage)
    {
        if (log.ReadState(stage.BaseTopic, TimeSpan.FromSeconds(30)) is { } recorded) return recorded;
        var partitions = admin.PartitionCount(stage.BaseTopic)
                         ?? throw new RescaleRefusedException($"topic {stage.BaseTopic} does not exist: start the system (or create the topics) before rescaling it");
        return new TopicGenerationState { Topic = stage.BaseTopic, Partitions = partitions, Companions = stage.Companions };
    }

    private static void Validate(StageRun source, StageRun? downstream, int target)
    {
        foreach (var stage in new[] { source, downstream }.OfType<StageRun>())
            if (stage.State.Rescaling && stage.State.TargetPartitions != target)
                throw new RescaleRefusedException(
                    $"a rescale of {stage.State.Topic} to {stage.State.TargetPartitions} partitions is in progress (phase {stage.State.Phase}); run it again with --to {stage.State.TargetPartitions} to finish it first");
        // Only the downstream part of a rescale to this count is left: resume it.
        if (!source.State.Rescaling && downstream is { State.Rescaling: true } && source.State.Partitions == target) return;
        if (!source.State.Rescaling && target <= source.State.Partitions)
            throw new RescaleRefusedException(
                $"{TopicGenerations.TopicName(source.State.Topic, source.State.Generation)} already has {source.State.Partitions} partitions; --to must be more than that " +
                "(partitions can only be added: fewer partitions would put more keys on each task, which a restart with fewer instances achieves without moving data)");
        if (downstream is { State.Rescaling: false } && target <= downstream.State.Partitions)
            throw new RescaleRefusedException(
                $"{TopicGenerations.TopicName(downstream.State.Topic, downstream.State.Generation)} already has {downstream.State.Partitions} partitions; --to must be more than that");
    }

    /// <summary>The next generation's topics (copying the old ones' configs) and the changelogs of the stores that move.</summary>
    private static async Task<(List<string> Topics, int Changelogs)> CreateNextGenerationAsync(RescaleAdmin admin, StageRun stage, int partitions)
    {
        var topics = new List<(string, string?)>();
        foreach (var topic in stage.Stage.Topics)
            topics.Add((TopicGenerations.TopicName(topic, stage.State.NextGeneration), TopicGenerations.TopicName(topic, stage.State.Generation)));
        var named = topics.Select(t => t.Item1).ToList();
        foreach (var reader in stage.Stage.Readers)
        foreach (var store in admin.MovingStores(stage.OldApplication(reader), reader.Stores))
            topics.Add((RescaleAdmin.Changelog(stage.NewApplication(reader), store), RescaleAdmin.Changelog(stage.OldApplication(reader), store)));
        await admin.CreateLikeAsync(topics, partitions);
        return (named, topics.Count - named.Count);
    }

    private async Task<Dictionary<string, int>> MigrateAsync(RescaleAdmin admin, StageRun stage, RescaledApplication reader, int partitions,
        Action<RescalePhase, string> report, CancellationToken ct)
    {
        var oldApplication = stage.OldApplication(reader);
        var newApplication = stage.NewApplication(reader);
        var pairs = admin.MovingStores(oldApplication, reader.Stores)
            .Select(store => (From: RescaleAdmin.Changelog(oldApplication, store), To: RescaleAdmin.Changelog(newApplication, store)))
            .ToList();
        var rekeying = new ChangelogRekeying(kafka, $"rescale-{newApplication}");
        return await Task.Run(() => rekeying.Copy(pairs, partitions, m => report(stage.State.Phase, m), ct), ct);
    }
}
