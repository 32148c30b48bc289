namespace ChatStreams.SchemaRegistry.Tests.Support;

/// <summary>Small schema texts used across tests.</summary>
internal static class AvroSchemas
{
    /// <summary>A record schema named ChatEvent in namespace chat.v1 with the given field JSON fragments.</summary>
    public static string ChatEvent(params string[] fields) => Record("ChatEvent", fields);

    public static string Record(string name, params string[] fields) =>
        $$"""{"type":"record","name":"{{name}}","namespace":"chat.v1","fields":[{{string.Join(",", fields)}}]}""";

    public const string Id = """{"name":"id","type":"string"}""";
    public const string Body = """{"name":"body","type":"string"}""";
    public const string BodyAsInt = """{"name":"body","type":"int"}""";
    public const string Count = """{"name":"count","type":"int"}""";
    public const string CountAsLong = """{"name":"count","type":"long"}""";
    public const string EditedAtNoDefault = """{"name":"editedAt","type":"long"}""";
    public const string EditedAtWithDefault = """{"name":"editedAt","type":["null","long"],"default":null}""";

    public static string Kind(params string[] symbols) =>
        $$$"""{"name":"kind","type":{"type":"enum","name":"Kind","symbols":[{{{string.Join(",", symbols.Select(s => $"\"{s}\""))}}}]}}""";
}
