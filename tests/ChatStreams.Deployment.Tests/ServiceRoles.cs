namespace ChatStreams.Deployment.Tests;

/// <summary>Values of the chatstreams.role label, and what each one promises.</summary>
public static class ServiceRoles
{
    /// <summary>A third-party server (Kafka, Redis, MongoDB, ...): healthchecked, data in a named volume.</summary>
    public const string Server = "server";

    /// <summary>A one-shot job (create topics, initiate a replica set, create a bucket) that others wait on.</summary>
    public const string Init = "init";

    /// <summary>One of our processes, built from the repository's Dockerfile and configured via options.</summary>
    public const string Process = "process";

    public static readonly IReadOnlySet<string> All = new HashSet<string> { Server, Init, Process };

    /// <summary>Label a server sets when its state lives in Kafka topics rather than on its own disk.</summary>
    public const string StateLabel = "chatstreams.state";
}
