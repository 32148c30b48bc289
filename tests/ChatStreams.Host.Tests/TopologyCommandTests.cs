using System.Diagnostics;

namespace ChatStreams.Host.Tests;

/// <summary>`chatstreams topology` refuses what it cannot run with a message that says what to do.</summary>
public sealed class TopologyCommandTests
{
    [Fact]
    public void An_unknown_topology_name_exits_1_and_lists_the_valid_names()
    {
        var (exitCode, output) = Run(new Dictionary<string, string>(), "topology", "sequencer");
        Assert.Equal(1, exitCode);
        Assert.Contains("unknown topology 'sequencer'; choose from conversation, fanout, presence or all", output);
    }

    [Fact]
    public void Invalid_topology_options_exit_1_and_name_the_setting()
    {
        var (exitCode, output) = Run(new Dictionary<string, string> { ["Topologies__Conversation__MaxGroupMembers"] = "1" }, "topology", "conversation");
        Assert.Equal(1, exitCode);
        Assert.Contains("Topologies:Conversation:MaxGroupMembers must be at least 2", output);
    }

    private static (int ExitCode, string Output) Run(Dictionary<string, string> environment, params string[] args)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "chatstreams.dll"));
        foreach (var a in args) info.ArgumentList.Add(a);
        // Nothing listens here: the command must fail on its arguments before it tries to connect.
        info.Environment["Kafka__BootstrapServers"] = "127.0.0.1:1";
        info.Environment["SchemaRegistry__Url"] = "http://127.0.0.1:1";
        foreach (var (k, v) in environment) info.Environment[k] = v;
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(60_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("chatstreams topology did not exit within 60 s");
        }
        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
