using Microsoft.Extensions.Options;

namespace ChatStreams.Contracts;

/// <summary>Rejects topic settings that would create unusable topics or break co-partitioned joins.</summary>
public sealed class TopicSettingsValidator : IValidateOptions<TopicSettings>
{
    /// <inheritdoc/>
    public ValidateOptionsResult Validate(string? name, TopicSettings options)
    {
        var errors = options.Validate();
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
