namespace ChatStreams.SchemaRegistry.Compatibility;

/// <summary>The Confluent compatibility levels: which earlier versions a new schema is checked against, and in which direction.</summary>
public enum CompatibilityLevel
{
    None,
    Backward,
    BackwardTransitive,
    Forward,
    ForwardTransitive,
    Full,
    FullTransitive,
}

public static class CompatibilityLevels
{
    private static readonly Dictionary<string, CompatibilityLevel> ByWireName = new(StringComparer.OrdinalIgnoreCase)
    {
        ["NONE"] = CompatibilityLevel.None,
        ["BACKWARD"] = CompatibilityLevel.Backward,
        ["BACKWARD_TRANSITIVE"] = CompatibilityLevel.BackwardTransitive,
        ["FORWARD"] = CompatibilityLevel.Forward,
        ["FORWARD_TRANSITIVE"] = CompatibilityLevel.ForwardTransitive,
        ["FULL"] = CompatibilityLevel.Full,
        ["FULL_TRANSITIVE"] = CompatibilityLevel.FullTransitive,
    };

    public static string ValidNames => "NONE, BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE";

    public static bool TryParse(string? text, out CompatibilityLevel level) =>
        ByWireName.TryGetValue(text?.Trim() ?? "", out level);

    /// <summary>Parses a level as Confluent spells it (case-insensitive); 42203 when it is not one.</summary>
    public static CompatibilityLevel Parse(string? text) =>
        TryParse(text, out var level)
            ? level
            : throw new RegistryRejectedException(422, RegistryErrorCodes.InvalidCompatibilityLevel,
                $"Invalid compatibility level '{text}'. Valid values are {ValidNames}.");

    public static string ToWireName(this CompatibilityLevel level) => level switch
    {
        CompatibilityLevel.None => "NONE",
        CompatibilityLevel.Backward => "BACKWARD",
        CompatibilityLevel.BackwardTransitive => "BACKWARD_TRANSITIVE",
        CompatibilityLevel.Forward => "FORWARD",
        CompatibilityLevel.ForwardTransitive => "FORWARD_TRANSITIVE",
        CompatibilityLevel.Full => "FULL",
        CompatibilityLevel.FullTransitive => "FULL_TRANSITIVE",
        _ => throw new ArgumentOutOfRangeException(nameof(level), level, null),
    };

    /// <summary>New schemas must read data written with earlier versions.</summary>
    public static bool ChecksBackward(this CompatibilityLevel level) =>
        level is CompatibilityLevel.Backward or CompatibilityLevel.BackwardTransitive or CompatibilityLevel.Full or CompatibilityLevel.FullTransitive;

    /// <summary>Earlier versions must read data written with the new schema.</summary>
    public static bool ChecksForward(this CompatibilityLevel level) =>
        level is CompatibilityLevel.Forward or CompatibilityLevel.ForwardTransitive or CompatibilityLevel.Full or CompatibilityLevel.FullTransitive;

    /// <summary>Checked against every earlier version, not only the latest.</summary>
    public static bool IsTransitive(this CompatibilityLevel level) =>
        level is CompatibilityLevel.BackwardTransitive or CompatibilityLevel.ForwardTransitive or CompatibilityLevel.FullTransitive;
}
