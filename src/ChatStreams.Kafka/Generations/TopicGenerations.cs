namespace ChatStreams.Kafka.Generations;

/// <summary>
/// Names of the generations of a keyed topic. Adding partitions to a keyed topic in place moves keys to other
/// partitions, so a rescale creates a new generation of the topic with the new partition count instead: generation 1
/// is the plain name (chat.commands), later ones carry a suffix (chat.commands.g2, .g3 …). A streams application
/// reading a generation runs under its own application id (consumer group, changelogs), suffixed the same way.
/// </summary>
public static class TopicGenerations
{
    /// <summary>The compacted, single-partition control topic holding each rescalable topic's generation record.</summary>
    public const string ControlTopic = "chat.topic-generations";

    /// <summary>The topic name of generation <paramref name="generation"/> (1: the base name itself).</summary>
    public static string TopicName(string baseTopic, int generation) => Suffixed(baseTopic, generation);

    /// <summary>The application id of the streams application reading generation <paramref name="generation"/>.</summary>
    public static string ApplicationId(string baseApplicationId, int generation) => Suffixed(baseApplicationId, generation);

    private static string Suffixed(string name, int generation)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(generation, 1);
        return generation == 1 ? name : $"{name}.g{generation}";
    }

    /// <summary>Key of a producer's report of the generation it writes (see <see cref="ProducerGeneration"/>).</summary>
    public static string ProducerKey(string baseTopic, string producerId) => $"producer/{baseTopic}/{producerId}";

    /// <summary>Prefix of every producer report of one topic.</summary>
    public static string ProducerPrefix(string baseTopic) => $"producer/{baseTopic}/";
}
