using Confluent.Kafka;

namespace ChatStreams.Kafka.Generations;

/// <summary>
/// In which order a plain reader (a sink, a consumer group that is not a streams application) may read the
/// generations of a rescaled topic. A key's records of generation g+1 were all written after every record of
/// generation g (the processors writing g+1 were released only after the old ones passed every cutover marker), but a
/// reader subscribed to both sees them side by side: it must read generation g+1 only once it has read, and committed,
/// past the marker of every partition of generation g. Waiting for all old partitions rather than the one a key came
/// from needs no knowledge of partitioners and holds only for as long as the reader takes to reach the markers.
/// </summary>
public static class GenerationReadOrder
{
    /// <summary>
    /// The lowest generation of <paramref name="baseTopic"/> the reader must not read yet (int.MaxValue: none is held).
    /// <paramref name="committed"/> holds the reader's committed offsets (the next offset to read) of the old
    /// generations' partitions; a partition without a commit counts as not passed.
    /// </summary>
    public static int FirstHeld(TopicGenerationState state, string baseTopic, IReadOnlyDictionary<TopicPartition, long> committed)
    {
        for (var generation = 1; generation < state.NewestGeneration; generation++)
        {
            var topic = TopicGenerations.TopicName(baseTopic, generation);
            if (!state.CutoverMarkers.TryGetValue(topic, out var markers) || markers.Count == 0) return generation + 1;
            if (markers.Any(m => committed.GetValueOrDefault(new TopicPartition(topic, m.Key), -1) <= m.Value)) return generation + 1;
        }
        return int.MaxValue;
    }

    /// <summary>The partitions whose commits <see cref="FirstHeld"/> looks at: every marked partition of the old generations.</summary>
    public static IEnumerable<TopicPartition> MarkedPartitions(TopicGenerationState state, string baseTopic)
    {
        for (var generation = 1; generation < state.NewestGeneration; generation++)
        {
            var topic = TopicGenerations.TopicName(baseTopic, generation);
            if (!state.CutoverMarkers.TryGetValue(topic, out var markers)) yield break;
            foreach (var partition in markers.Keys.Order()) yield return new TopicPartition(topic, partition);
        }
    }
}
