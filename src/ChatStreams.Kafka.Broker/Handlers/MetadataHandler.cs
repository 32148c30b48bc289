using ChatStreams.Kafka.Broker.Cluster;
using ChatStreams.Kafka.Broker.Protocol;
using ChatStreams.Kafka.Broker.Server;

namespace ChatStreams.Kafka.Broker.Handlers;

/// <summary>Metadata v0–v12: this node leads every partition, with leader epoch 0.</summary>
public sealed class MetadataHandler(TopicCatalog catalog, BrokerOptions options, Func<int> advertisedPort) : IRequestHandler
{
    public ApiKey Key => ApiKey.Metadata;

    public ValueTask HandleAsync(RequestContext context, KafkaWriter w, CancellationToken cancellationToken)
    {
        var r = context.Body;
        var v = context.Version;
        var flex = context.Flexible;
        List<(Guid Id, string? Name)>? requested = null;
        var count = r.ArrayLength(flex);
        if (count >= 0)
        {
            requested = new List<(Guid, string?)>(count);
            for (var i = 0; i < count; i++)
            {
                var id = v >= 10 ? r.Uuid() : Guid.Empty;
                var name = r.NullableString(flex);
                r.TaggedFields(flex);
                requested.Add((id, name));
            }
        }
        // v0 has no null array: an empty list means "all topics".
        if (v == 0 && requested is { Count: 0 }) requested = null;
        var allowAutoCreate = v < 4 || r.Bool();
        if (v is >= 8 and <= 10) r.Bool(); // include_cluster_authorized_operations
        if (v >= 8) r.Bool();              // include_topic_authorized_operations
        r.TaggedFields(flex);

        var topics = new List<(ErrorCode Error, string? Name, Topic? Topic, Guid Id)>();
        if (requested is null)
        {
            foreach (var t in catalog.Topics.OrderBy(t => t.Name, StringComparer.Ordinal)) topics.Add((ErrorCode.None, t.Name, t, t.Id));
        }
        else
        {
            foreach (var (id, name) in requested)
            {
                var topic = name is not null ? catalog.Find(name) : id != Guid.Empty ? catalog.Find(id) : null;
                if (topic is null && name is not null && allowAutoCreate && options.AutoCreateTopics)
                {
                    catalog.Create(name, options.DefaultPartitions, new Dictionary<string, string?>(), validateOnly: false);
                    topic = catalog.Find(name);
                }
                if (topic is not null) topics.Add((ErrorCode.None, topic.Name, topic, topic.Id));
                else if (name is not null && TopicName.Validate(name) is not null) topics.Add((ErrorCode.InvalidTopicException, name, null, Guid.Empty));
                else if (name is null) topics.Add((ErrorCode.UnknownTopicId, null, null, id));
                else topics.Add((ErrorCode.UnknownTopicOrPartition, name, null, Guid.Empty));
            }
        }

        if (v >= 3) w.Int32(0); // throttle
        w.ArrayLength(1, flex);
        w.Int32(options.NodeId);
        w.String(options.AdvertisedHost ?? options.Host, flex);
        w.Int32(advertisedPort());
        if (v >= 1) w.String(null, flex); // rack
        w.TaggedFields(flex);
        if (v >= 2) w.String(options.ClusterId, flex);
        if (v >= 1) w.Int32(options.NodeId); // controller
        w.ArrayLength(topics.Count, flex);
        foreach (var (error, name, topic, id) in topics)
        {
            w.Int16((short)error);
            w.String(name, flex);
            if (v >= 10) w.Uuid(topic?.Id ?? id);
            if (v >= 1) w.Bool(topic?.IsInternal ?? false);
            var partitions = topic?.Partitions ?? [];
            w.ArrayLength(partitions.Count, flex);
            foreach (var p in partitions)
            {
                w.Int16(0);
                w.Int32(p.Index);
                w.Int32(options.NodeId);
                if (v >= 7) w.Int32(Partition.LeaderEpoch);
                WriteNodes(w, flex); // replicas
                WriteNodes(w, flex); // in-sync replicas
                if (v >= 5) w.ArrayLength(0, flex); // offline replicas
                w.TaggedFields(flex);
            }
            if (v >= 8) w.Int32(int.MinValue); // authorized operations: not computed
            w.TaggedFields(flex);
        }
        if (v is >= 8 and <= 10) w.Int32(int.MinValue);
        w.TaggedFields(flex);
        return ValueTask.CompletedTask;
    }

    private void WriteNodes(KafkaWriter w, bool flex)
    {
        w.ArrayLength(1, flex);
        w.Int32(options.NodeId);
    }
}
