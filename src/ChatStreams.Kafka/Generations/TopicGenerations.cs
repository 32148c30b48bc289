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

    /// <summary>
    /// Splits a generation's topic name into its base and generation when <paramref name="topic"/> is a generation of
    /// <paramref name="baseTopic"/> (the base itself is generation 1).
    /// </summary>
    public static bool IsGenerationOf(string topic, string baseTopic, out int generation)
    {
        generation = 0;
        if (topic == baseTopic)
        {
            generation = 1;
            return true;
        }
        var prefix = baseTopic + ".g";
        return topic.StartsWith(prefix, StringComparison.Ordinal) && topic.Length > prefix.Length && topic[prefix.Length] != '0'
               && topic.AsSpan(prefix.Length).IndexOfAnyExceptInRange('0', '9') < 0
               && int.TryParse(topic.AsSpan(prefix.Length), out generation) && generation >= 2;
    }

    /// <summary>The base of <paramref name="topic"/> when it is a generation of one of <paramref name="baseTopics"/>, else the topic itself.</summary>
    public static string BaseOf(string topic, IEnumerable<string> baseTopics)
    {
        foreach (var baseTopic in baseTopics)
            if (IsGenerationOf(topic, baseTopic, out _)) return baseTopic;
        return topic;
    }

    /// <summary>The names of generations 1 … <paramref name="newest"/> of <paramref name="baseTopic"/>.</summary>
    public static IEnumerable<string> UpTo(string baseTopic, int newest) => Enumerable.Range(1, Math.Max(1, newest)).Select(g => TopicName(baseTopic, g));

    /// <summary>Key of a producer's report of the generation it writes (see <see cref="ProducerGeneration"/>).</summary>
    public static string ProducerKey(string baseTopic, string producerId) => $"producer/{baseTopic}/{producerId}";

    /// <summary>Prefix of every producer report of one topic.</summary>
    public static string ProducerPrefix(string baseTopic) => $"producer/{baseTopic}/";
}
