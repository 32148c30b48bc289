using System.Globalization;

namespace ChatStreams.SchemaRegistry.Storage;

/// <summary>A version in a URL: a number from 1, or "latest" (also spelled -1, as Confluent accepts).</summary>
internal readonly record struct VersionSelector(int? Number)
{
    public bool IsLatest => Number is null;

    public static VersionSelector Latest { get; } = new(null);

    public static VersionSelector Parse(string text)
    {
        if (string.Equals(text, "latest", StringComparison.OrdinalIgnoreCase) || text == "-1")
        {
            return Latest;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= 1)
        {
            return new VersionSelector(number);
        }

        throw new RegistryRejectedException(422, RegistryErrorCodes.InvalidVersion,
            $"The specified version '{text}' is not a valid version id. Allowed values are between [1, 2^31-1] and the string \"latest\".");
    }

    public override string ToString() => Number?.ToString(CultureInfo.InvariantCulture) ?? "latest";
}
