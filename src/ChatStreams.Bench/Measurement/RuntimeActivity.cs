namespace ChatStreams.Bench.Measurement;

/// <summary>
/// What .NET itself did in this process during a run: methods JIT-compiled, compile time, full (gen 2)
/// collections and bytes allocated. JIT work inside a measured run means the warm-up was too short; gen 2
/// collections usually mean large (≥ 85 KB) buffers allocated per request. Covers broker and clients alike.
/// </summary>
public sealed record RuntimeActivity(long JitMethods, TimeSpan JitTime, int Gen2Collections, long AllocatedBytes)
{
    public static RuntimeActivity Now() => new(
        System.Runtime.JitInfo.GetCompiledMethodCount(),
        System.Runtime.JitInfo.GetCompilationTime(),
        GC.CollectionCount(2),
        GC.GetTotalAllocatedBytes());

    public RuntimeActivity Since(RuntimeActivity start) => new(
        JitMethods - start.JitMethods,
        JitTime - start.JitTime,
        Gen2Collections - start.Gen2Collections,
        AllocatedBytes - start.AllocatedBytes);
}
