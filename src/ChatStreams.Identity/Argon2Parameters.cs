namespace ChatStreams.Identity;

/// <summary>Cost parameters of one Argon2id hash, as written into its PHC string.</summary>
public readonly record struct Argon2Parameters(int MemoryKiB, int Iterations, int Parallelism)
{
    // Bounds for parameters read back from stored hashes: a corrupted or planted hash must not make a login
    // allocate gigabytes or spin for minutes.
    internal const int MaxMemoryKiB = 4 * 1024 * 1024;
    internal const int MaxIterations = 64;
    internal const int MaxParallelism = 64;

    /// <summary>Argon2 itself requires at least 8 KiB of memory per lane.</summary>
    public bool IsWithinBounds =>
        Parallelism is >= 1 and <= MaxParallelism
        && Iterations is >= 1 and <= MaxIterations
        && MemoryKiB >= 8 * Parallelism && MemoryKiB <= MaxMemoryKiB;

    public static Argon2Parameters From(IdentityOptions options) =>
        new(options.Argon2MemoryKiB, options.Argon2Iterations, options.Argon2Parallelism);
}
