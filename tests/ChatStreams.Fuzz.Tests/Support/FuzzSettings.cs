using System.Globalization;

namespace ChatStreams.Fuzz.Tests.Support;

/// <summary>
/// How much to fuzz and from which seed. The defaults keep scripts/test.sh bounded; a long run sets
/// FUZZ_ITERATIONS=5000 (cases per input kind) and any FUZZ_SEED. A failure names its seed and case number, so
/// rerunning with that seed reproduces it.
/// </summary>
public static class FuzzSettings
{
    public const int DefaultSeed = 13;
    public const int DefaultIterations = 100;

    public static int Seed { get; } = Read("FUZZ_SEED", DefaultSeed);

    /// <summary>Cases per input kind (frames, tokens, REST, media, registry).</summary>
    public static int Iterations { get; } = Math.Max(10, Read("FUZZ_ITERATIONS", DefaultIterations));

    /// <summary>A generator for one input kind: the same seed gives the same cases, whatever else ran before.</summary>
    public static Random For(string inputKind) => new(HashCode.Combine(Seed, StableHash(inputKind)));

    public static string Describe(int caseNumber) => $"(FUZZ_SEED={Seed}, case {caseNumber})";

    private static int Read(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : fallback;

    // string.GetHashCode is randomized per process; the seed must not be.
    private static int StableHash(string text)
    {
        var hash = 17;
        foreach (var c in text) hash = unchecked(hash * 31 + c);
        return hash;
    }
}
