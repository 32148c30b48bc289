using System.CommandLine;
using ChatStreams.Contracts;
using ChatStreams.Kafka;
using Microsoft.Extensions.Configuration;

namespace ChatStreams.Ctl.Cluster;

/// <summary>
/// The cluster a command talks to, from the same settings the processes read (Kafka__*, SchemaRegistry__*, Topics__*,
/// Sinks__*) with --bootstrap winning over Kafka__BootstrapServers.
/// </summary>
public sealed record ClusterSettings(KafkaOptions Kafka, SchemaRegistryClientOptions Registry, TopicSettings Topics, Sinks.SinkOptions Sinks)
{
    /// <summary>The schema registry of a default `chatstreams up` (its --registry-port 8081), when SchemaRegistry__Url is unset.</summary>
    public const string DefaultRegistryUrl = "http://127.0.0.1:8081";

    public static ClusterSettings From(CtlContext context, ParseResult parse)
    {
        var kafka = CtlConfiguration.Bind<KafkaOptions>(context.Configuration, KafkaOptions.Section);
        if (parse.GetValue(GlobalOptions.Bootstrap) is { Length: > 0 } bootstrap) kafka.BootstrapServers = bootstrap;
        var registry = CtlConfiguration.Bind<SchemaRegistryClientOptions>(context.Configuration, SchemaRegistryClientOptions.SectionName);
        if (string.IsNullOrWhiteSpace(registry.Url)) registry.Url = DefaultRegistryUrl;
        var topics = CtlConfiguration.Bind<TopicSettings>(context.Configuration, TopicSettings.SectionName);
        if (topics.Validate() is { Count: > 0 } problems)
            throw new ClusterException("the Topics settings are invalid: " + string.Join(" ", problems));
        return new ClusterSettings(kafka, registry, topics, CtlConfiguration.Bind<ChatStreams.Sinks.SinkOptions>(context.Configuration, ChatStreams.Sinks.SinkOptions.Section));
    }
}

/// <summary>An operation on the cluster failed; the message says what and what to do.</summary>
public sealed class ClusterException(string message, Exception? inner = null) : Exception(message, inner);
