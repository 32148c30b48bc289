namespace ChatStreams.SchemaRegistry.Storage;

/// <summary>A subject version as the REST API returns it.</summary>
internal sealed record SubjectVersionView(string Subject, int Version, int Id, string Schema);
