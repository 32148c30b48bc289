using Avro;

namespace ChatStreams.Contracts;

/// <summary>One embedded .avsc file: its top-level record and the registry subjects it is registered under.</summary>
/// <param name="FileName">File name in schemas/, e.g. ChatEvent.avsc.</param>
/// <param name="Json">The file's text as shipped.</param>
/// <param name="Schema">The parsed top-level record.</param>
/// <param name="Subjects">The subjects from the file's "chatstreams.subjects" attribute.</param>
public sealed record ContractSchemaFile(string FileName, string Json, RecordSchema Schema, IReadOnlyList<string> Subjects);
