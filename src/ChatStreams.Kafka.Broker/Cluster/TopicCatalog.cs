using System.Text.Json;
using ChatStreams.Kafka.Broker.Protocol;
using ChatStreams.Kafka.Broker.Storage;
using Microsoft.Extensions.Logging;

namespace ChatStreams.Kafka.Broker.Cluster;

/// <summary>
/// The topics this node hosts. Topic names, ids, partition counts and configs are kept in
/// <c>topics.json</c> (written atomically); partition data lives in <c>&lt;topic&gt;-&lt;partition&gt;/</c>.
/// </summary>
public sealed class TopicCatalog : IDisposable
{
    private const string CatalogFile = "topics.json";
    private readonly string _directory;
    private readonly BrokerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly VolumeSync? _volume;
    private readonly object _lock = new();
    private Dictionary<string, Topic> _byName = new(StringComparer.Ordinal);
    private Dictionary<Guid, Topic> _byId = new();

    public TopicCatalog(BrokerOptions options, TimeProvider time, ILoggerFactory loggers)
    {
        _options = options;
        _directory = Path.GetFullPath(options.DataDirectory);
        _time = time;
        _loggers = loggers;
        _logger = loggers.CreateLogger<TopicCatalog>();
        Directory.CreateDirectory(_directory);
        _volume = options.LogSync == LogSyncMode.FileSystem ? VolumeSync.TryOpen(_directory) : null;
    }

    /// <summary>syncfs calls made for the logs' durability (0 when every log fsyncs its own file).</summary>
    internal long FileSystemSyncCount => _volume?.SyncCount ?? 0;

    public string DataDirectory => _directory;

    public IReadOnlyCollection<Topic> Topics
    {
        get { lock (_lock) return _byName.Values.ToArray(); }
    }

    public Topic? Find(string name)
    {
        lock (_lock) return _byName.GetValueOrDefault(name);
    }

    public Topic? Find(Guid id)
    {
        lock (_lock) return _byId.GetValueOrDefault(id);
    }

    private sealed record StoredTopic(string Name, Guid Id, int Partitions, Dictionary<string, string?> Configs);

    /// <summary>Opens every known topic; partition logs recover their tails if the last stop was not clean.</summary>
    public void Load()
    {
        var path = Path.Combine(_directory, CatalogFile);
        if (!File.Exists(path)) return;
        var stored = JsonSerializer.Deserialize<List<StoredTopic>>(File.ReadAllText(path)) ?? [];
        lock (_lock)
        {
            foreach (var s in stored)
            {
                var topic = new Topic(s.Name, s.Id, s.Configs, EffectiveLogConfig(s.Configs));
                for (var p = 0; p < s.Partitions; p++) topic.PartitionList.Add(OpenPartition(topic, p));
                _byName[s.Name] = topic;
                _byId[s.Id] = topic;
                _logger.LogInformation("loaded topic {Topic} ({Partitions} partitions)", s.Name, s.Partitions);
            }
        }
    }

    private Partition OpenPartition(Topic topic, int index)
    {
        var dir = Path.Combine(_directory, $"{topic.Name}-{index}");
        var log = PartitionLog.Open(dir, topic.LogConfig, _time, _loggers.CreateLogger($"ChatStreams.Kafka.Broker.Log.{topic.Name}-{index}"), _volume);
        return new Partition(topic, index, log, _time);
    }

    /// <summary>
    /// Kafka topic configs this broker accepts, stores and reports but that change nothing here: they concern
    /// replication, tiered storage or tuning a single node does not have. Any other unknown name is refused,
    /// as Kafka refuses it, so a typo never passes silently.
    /// </summary>
    public static readonly IReadOnlySet<string> AcceptedWithoutEffect = new HashSet<string>(StringComparer.Ordinal)
    {
        "min.insync.replicas", "unclean.leader.election.enable", "compression.type", "message.downconversion.enable",
        "preallocate", "file.delete.delay.ms", "follower.replication.throttled.replicas", "leader.replication.throttled.replicas",
        "local.retention.ms", "local.retention.bytes", "remote.storage.enable", "max.compaction.lag.ms",
        "min.cleanable.dirty.ratio", "segment.index.bytes", "segment.jitter.ms", "message.format.version",
        "message.timestamp.difference.max.ms", "message.timestamp.after.max.ms", "message.timestamp.before.max.ms",
    };

    /// <summary>Broker defaults overlaid with the topic's own configs; throws <see cref="ArgumentException"/> on bad values.</summary>
    public LogConfig EffectiveLogConfig(IReadOnlyDictionary<string, string?> topicConfigs)
    {
        foreach (var name in topicConfigs.Keys)
            if (!LogConfig.KnownConfigNames.Contains(name) && !AcceptedWithoutEffect.Contains(name))
                throw new ArgumentException($"unknown topic config '{name}'; known: {string.Join(", ", LogConfig.KnownConfigNames.Order())}");
        var merged = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (k, v) in _options.DefaultTopicConfigs) merged[k] = v;
        foreach (var (k, v) in topicConfigs) merged[k] = v;
        return LogConfig.FromTopicConfigs(merged);
    }

    public readonly record struct Result(ErrorCode Error, string? Message)
    {
        public static readonly Result Ok = new(ErrorCode.None, null);
    }

    public Result Create(string name, int partitions, IReadOnlyDictionary<string, string?> configs, bool validateOnly)
    {
        if (TopicName.Validate(name) is { } invalid) return new(ErrorCode.InvalidTopicException, invalid);
        if (partitions == -1) partitions = _options.DefaultPartitions;
        if (partitions is < 1 or > 10_000)
            return new(ErrorCode.InvalidPartitions, $"number of partitions must be between 1 and 10000, got {partitions}");
        LogConfig logConfig;
        try
        {
            logConfig = EffectiveLogConfig(configs);
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            return new(ErrorCode.InvalidConfig, e.Message);
        }
        lock (_lock)
        {
            if (_byName.ContainsKey(name)) return new(ErrorCode.TopicAlreadyExists, $"topic '{name}' already exists");
            // Kafka refuses names that collide once '.' and '_' are treated alike (metric names would clash).
            var collision = _byName.Keys.FirstOrDefault(n => n.Replace('.', '_') == name.Replace('.', '_'));
            if (collision is not null)
                return new(ErrorCode.InvalidTopicException, $"topic '{name}' collides with existing topic '{collision}' ('.' and '_' are equivalent)");
            if (validateOnly) return Result.Ok;

            var topic = new Topic(name, KafkaUuid.NewTopicId(), new Dictionary<string, string?>(configs), logConfig);
            for (var p = 0; p < partitions; p++) topic.PartitionList.Add(OpenPartition(topic, p));
            _byName[name] = topic;
            _byId[topic.Id] = topic;
            Save();
            _logger.LogInformation("created topic {Topic} with {Partitions} partitions", name, partitions);
            return Result.Ok;
        }
    }

    public Result AddPartitions(string name, int totalCount, bool validateOnly)
    {
        lock (_lock)
        {
            if (!_byName.TryGetValue(name, out var topic))
                return new(ErrorCode.UnknownTopicOrPartition, $"topic '{name}' does not exist");
            if (totalCount <= topic.PartitionList.Count)
                return new(ErrorCode.InvalidPartitions,
                    $"topic '{name}' has {topic.PartitionList.Count} partitions; the new count {totalCount} must be larger (partitions cannot be removed)");
            if (totalCount > 10_000) return new(ErrorCode.InvalidPartitions, "at most 10000 partitions per topic");
            if (validateOnly) return Result.Ok;
            for (var p = topic.PartitionList.Count; p < totalCount; p++) topic.PartitionList.Add(OpenPartition(topic, p));
            Save();
            _logger.LogInformation("topic {Topic} now has {Partitions} partitions", name, totalCount);
            return Result.Ok;
        }
    }

    public Result Delete(string name)
    {
        Topic? topic;
        lock (_lock)
        {
            if (!_byName.Remove(name, out topic)) return new(ErrorCode.UnknownTopicOrPartition, $"topic '{name}' does not exist");
            _byId.Remove(topic.Id);
            Save();
        }
        foreach (var p in topic.Partitions)
        {
            p.Log.Dispose();
            var dir = Path.Combine(_directory, $"{name}-{p.Index}");
            try { Directory.Delete(dir, recursive: true); }
            catch (IOException e) { _logger.LogWarning(e, "could not remove {Directory} of deleted topic {Topic}", dir, name); }
        }
        _logger.LogInformation("deleted topic {Topic}", name);
        return Result.Ok;
    }

    /// <summary>Replaces the topic's own configs after validating the result.</summary>
    public Result SetConfigs(string name, Dictionary<string, string?> configs, bool validateOnly)
    {
        lock (_lock)
        {
            if (!_byName.TryGetValue(name, out var topic)) return new(ErrorCode.UnknownTopicOrPartition, $"topic '{name}' does not exist");
            LogConfig logConfig;
            try { logConfig = EffectiveLogConfig(configs); }
            catch (Exception e) when (e is ArgumentException or FormatException) { return new(ErrorCode.InvalidConfig, e.Message); }
            if (validateOnly) return Result.Ok;
            topic.Configs = configs;
            topic.LogConfig = logConfig;
            foreach (var p in topic.Partitions) p.Log.Config = logConfig;
            Save();
            return Result.Ok;
        }
    }

    private void Save()
    {
        var stored = _byName.Values.Select(t => new StoredTopic(t.Name, t.Id, t.PartitionList.Count, t.Configs)).ToList();
        AtomicFile.Write(Path.Combine(_directory, CatalogFile), JsonSerializer.SerializeToUtf8Bytes(stored));
    }

    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var t in _byName.Values)
            foreach (var p in t.Partitions)
                p.Log.Close();
        }
        _volume?.Dispose();
    }
}
