using Avro;
using Avro.Specific;
using ChatStreams.Contracts;

namespace chatstreams.v1;

/// <summary>
/// A media object uploaded through the media API and referenced by a message.
/// </summary>
/// <remarks>Avro record chatstreams.v1.Attachment; the schema comes from the embedded .avsc (see <see cref="ChatStreams.Contracts.ContractSchemas"/>).</remarks>
public sealed class Attachment : ISpecificRecord
{
    /// <summary>The Avro schema of this record; Confluent's serdes and Avro's readers look it up under this name.</summary>
    public static readonly Schema _SCHEMA = ContractSchemas.Named("chatstreams.v1.Attachment");

    /// <inheritdoc/>
    public Schema Schema => _SCHEMA;

    /// <summary>
    /// Id returned by POST /api/media.
    /// </summary>
    public required string MediaId { get; set; }

    /// <summary>
    /// MIME type declared at upload; null when unknown.
    /// </summary>
    public string? ContentType { get; set; }

    /// <summary>
    /// Original file name declared at upload; null when unknown.
    /// </summary>
    public string? FileName { get; set; }

    /// <summary>
    /// Size in bytes declared at upload; null when unknown.
    /// </summary>
    public long? SizeBytes { get; set; }

    /// <inheritdoc/>
    public object? Get(int fieldPos) => fieldPos switch
    {
        0 => MediaId,
        1 => ContentType,
        2 => FileName,
        3 => SizeBytes,
        _ => throw new AvroRuntimeException($"Bad index {fieldPos} in Attachment.Get"),
    };

    /// <inheritdoc/>
    public void Put(int fieldPos, object? fieldValue)
    {
        switch (fieldPos)
        {
            case 0: MediaId = (string)fieldValue!; break;
            case 1: ContentType = (string?)fieldValue; break;
            case 2: FileName = (string?)fieldValue; break;
            case 3: SizeBytes = (long?)fieldValue; break;
            default: throw new AvroRuntimeException($"Bad index {fieldPos} in Attachment.Put");
        }
    }
}
