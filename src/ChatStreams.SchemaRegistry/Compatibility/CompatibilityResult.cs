namespace ChatStreams.SchemaRegistry.Compatibility;

/// <summary>The outcome of checking whether a reader schema can read everything a writer schema can write.</summary>
public sealed class CompatibilityResult
{
    public CompatibilityResult(IReadOnlyList<Incompatibility> incompatibilities)
    {
        Incompatibilities = incompatibilities;
    }

    public bool IsCompatible => Incompatibilities.Count == 0;

    public IReadOnlyList<Incompatibility> Incompatibilities { get; }

    public IReadOnlyList<string> Messages => Incompatibilities.Select(i => i.Message).ToList();

    public override string ToString() => IsCompatible ? "compatible" : string.Join("; ", Messages);
}
