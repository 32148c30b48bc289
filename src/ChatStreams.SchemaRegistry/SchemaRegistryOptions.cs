namespace ChatStreams.SchemaRegistry;

/// <summary>Settings of the embedded schema registry (bindable from configuration section <see cref="SectionName"/>).</summary>
public sealed class SchemaRegistryOptions
{
    public const string SectionName = "SchemaRegistry";

    /// <summary>Address to bind. Loopback by default: the embedded registry is for one machine.</summary>
    public string Host { get; set; } = "127.0.0.1";

    /// <summary>Port to bind; 0 lets the operating system pick a free port (read it back from <see cref="SchemaRegistryServer.Url"/>).</summary>
    public int Port { get; set; }

    /// <summary>Folder for <c>schema-registry.json</c>. Null keeps everything in memory (ids restart at 1 on every run).</summary>
    public string? DataDirectory { get; set; }

    /// <summary>Compatibility level used when neither the subject nor PUT /config set one.</summary>
    public string DefaultCompatibility { get; set; } = "BACKWARD_TRANSITIVE";
}
