namespace ChatStreams.SchemaRegistry;

/// <summary>
/// The registry refused a request. Carries the Confluent error code and HTTP status so the REST layer
/// can answer exactly as a Confluent Schema Registry would, and in-process callers can branch on the code.
/// </summary>
public sealed class RegistryRejectedException : Exception
{
    public RegistryRejectedException(int httpStatus, int errorCode, string message)
        : base(message)
    {
        HttpStatus = httpStatus;
        ErrorCode = errorCode;
    }

    public int HttpStatus { get; }

    public int ErrorCode { get; }

    internal static RegistryRejectedException SubjectNotFound(string subject) =>
        new(404, RegistryErrorCodes.SubjectNotFound, $"Subject '{subject}' not found.");

    internal static RegistryRejectedException VersionNotFound(string subject, string version) =>
        new(404, RegistryErrorCodes.VersionNotFound, $"Version {version} not found for subject '{subject}'.");

    internal static RegistryRejectedException SchemaNotFound(string detail) =>
        new(404, RegistryErrorCodes.SchemaNotFound, $"Schema not found: {detail}.");

    internal static RegistryRejectedException InvalidSchema(string detail) =>
        new(422, RegistryErrorCodes.InvalidSchema, $"Invalid schema: {detail}");

    internal static RegistryRejectedException Incompatible(string detail) =>
        new(409, RegistryErrorCodes.IncompatibleSchema, detail);
}
