using ChatStreams.TestSupport;

namespace ChatStreams.Sinks.Tests.Support;

/// <summary>
/// One `chatstreams sink &lt;name&gt;` process configured through environment variables like a deployment configures
/// it. <see cref="ProgramProcess.Kill"/> is kill -9 (no flush, no commit, no leaving the group); disposing kills it if
/// it still runs, so a failing test never leaves a sink behind.
/// </summary>
public static class SinkProcess
{
    public static ProgramProcess Start(string sink, IReadOnlyDictionary<string, string> environment) =>
        ProgramProcess.Start("ChatStreams.Host", "chatstreams.dll", ["sink", sink], environment);
}
