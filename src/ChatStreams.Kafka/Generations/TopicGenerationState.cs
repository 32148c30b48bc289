using System.Text.Json;
using System.Text.Json.Serialization;

namespace ChatStreams.Kafka.Generations;

/// <summary>Where a rescale of a topic stands. The order matters: each phase implies every earlier one is done.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RescalePhase>))]
public enum RescalePhase
{
    /// <summary>No rescale running: producers write, and processors process, <see cref="TopicGenerationState.Generation"/>.</summary>
    Stable,

    /// <summary>The next generation's topic and changelogs exist; nothing writes them yet.</summary>
    Prepared,

    /// <summary>Producers are told to write the next generation; its records are held (not processed) from now on.</summary>
    Switching,

    /// <summary>A cutover marker is in every old partition, after every record a switched producer wrote there.</summary>
    CutOver,

    /// <summary>The old generation's application committed past every marker: its state is final.</summary>
    Drained,

    /// <summary>The old state is re-keyed into the next generation's changelogs; its records are released.</summary>
    Migrated,
}

/// <summary>
/// The generation record of one rescalable topic, kept under the topic's base name in
/// <see cref="TopicGenerations.ControlTopic"/>. Producers and processors watch it; the rescale procedure is the only
/// writer, and it rewrites the whole record at each step, so a procedure that crashed resumes from the last phase.
/// </summary>
public sealed record TopicGenerationState
{
    public required string Topic { get; init; }

    /// <summary>The generation that is processed normally (the old one while a rescale runs).</summary>
    public int Generation { get; init; } = 1;

    public required int Partitions { get; init; }

    public RescalePhase Phase { get; init; } = RescalePhase.Stable;

    /// <summary>Partition count of the next generation while a rescale runs.</summary>
    public int? TargetPartitions { get; init; }

    /// <summary>Offset of the cutover marker in each old partition (phase CutOver on).</summary>
    public Dictionary<int, long> Markers { get; init; } = [];

    /// <summary>The generation before <see cref="Generation"/>, kept running to forward records of producers that never switched.</summary>
    public int? RetiredGeneration { get; init; }

    /// <summary>When producers were told to switch: from then on the next generation's records wait.</summary>
    public DateTimeOffset? HeldSince { get; init; }

    /// <summary>When the next generation's records were released to its processors.</summary>
    public DateTimeOffset? ReleasedAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>
    /// Topics keyed and partitioned like <see cref="Topic"/> that share its generations (chat.receipts with chat.events):
    /// each generation of the record has one topic of each, <c>TopicGenerations.TopicName(companion, generation)</c>.
    /// </summary>
    public IReadOnlyList<string> Companions { get; init; } = [];

    /// <summary>
    /// Every cutover marker ever written for this record's topics, by the old generation's topic name (chat.events,
    /// chat.receipts.g2 …) and partition: a plain reader of several generations (a sink) reads generation g+1 only once
    /// it committed past all of generation g's markers. Kept across rescales; the record stays small (one entry per
    /// old partition and topic).
    /// </summary>
    public Dictionary<string, Dictionary<int, long>> CutoverMarkers { get; init; } = [];

    /// <summary>
    /// For a topic whose processors write another rescalable family (chat.commands → chat.events): the generation of
    /// that family each generation's application writes. A generation not listed writes generation 1 (what every
    /// application did before the downstream topics could be rescaled).
    /// </summary>
    public Dictionary<int, int> OutputGenerations { get; init; } = [];

    /// <summary>The generation of the downstream family the application of <paramref name="generation"/> writes.</summary>
    public int OutputGenerationOf(int generation) => OutputGenerations.GetValueOrDefault(generation, 1);

    /// <summary>The record's topic and its companions (base names).</summary>
    public IReadOnlyList<string> AllTopics => [Topic, .. Companions];

    /// <summary>The highest generation whose topics exist: the next one from phase Prepared on.</summary>
    public int NewestGeneration => Phase >= RescalePhase.Prepared ? NextGeneration : Generation;

    public int NextGeneration => Generation + 1;

    public bool Rescaling => Phase != RescalePhase.Stable;

    /// <summary>The generation producers must write now.</summary>
    public int WriteGeneration => Phase >= RescalePhase.Switching ? NextGeneration : Generation;

    /// <summary>
    /// The generations whose applications must run now: the current one, the retired one before it (past its markers
    /// it only forwards stray records), and from phase Prepared on the next one — started early so that it has joined
    /// its group when its records are released, but held (<see cref="IsHeld"/>) until then.
    /// </summary>
    public IReadOnlyList<int> RunningGenerations()
    {
        var running = new List<int>();
        if (RetiredGeneration is { } retired && retired < Generation) running.Add(retired);
        running.Add(Generation);
        if (Phase >= RescalePhase.Prepared) running.Add(NextGeneration);
        return running;
    }

    /// <summary>
    /// True while the application of <paramref name="generation"/> must not restore or process anything: the next
    /// generation until the old one has passed every cutover marker and its state is migrated (phase Migrated). A key's
    /// new-generation records could otherwise be processed before its last old-generation ones, or against missing
    /// state. Waiting for all old partitions rather than only the one that held the key is conservative and simple.
    /// </summary>
    public bool IsHeld(int generation) => Rescaling && generation == NextGeneration && Phase < RescalePhase.Migrated;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public byte[] ToBytes() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    public static TopicGenerationState FromBytes(byte[] bytes) =>
        JsonSerializer.Deserialize<TopicGenerationState>(bytes, Json) ?? throw new JsonException("empty topic generation record");
}

/// <summary>What a producer reports after it switched: the generation it writes, every write to older ones acknowledged.</summary>
public sealed record ProducerGenerationReport(string ProducerId, int Generation, DateTimeOffset At)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public byte[] ToBytes() => JsonSerializer.SerializeToUtf8Bytes(this, Json);

    public static ProducerGenerationReport FromBytes(byte[] bytes) =>
        JsonSerializer.Deserialize<ProducerGenerationReport>(bytes, Json) ?? throw new JsonException("empty producer generation report");
}
