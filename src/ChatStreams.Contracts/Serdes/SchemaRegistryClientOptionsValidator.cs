using Microsoft.Extensions.Options;

namespace ChatStreams.Contracts;

/// <summary>Fails start-up with a clear message when the registry options are unusable.</summary>
public sealed class SchemaRegistryClientOptionsValidator : IValidateOptions<SchemaRegistryClientOptions>
{
    /// <inheritdoc/>
    public ValidateOptionsResult Validate(string? name, SchemaRegistryClientOptions options)
    {
        var errors = options.Validate();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
