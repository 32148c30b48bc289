namespace ChatStreams.Bench.Tests;

/// <summary>
/// The tests that start the whole system (or the SignalR baseline) run one after another, not in parallel: two
/// systems on a 2-core machine starve each other's timers and consumers, and the fault campaign's waits were sized for
/// one system. xunit runs the collection's classes in turn and keeps running the other test classes alongside.
/// </summary>
[CollectionDefinition(Name)]
public sealed class WholeSystemRuns
{
    public const string Name = "whole system runs";
}
