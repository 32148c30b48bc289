using System.Diagnostics;

namespace ChatStreams.Host.Tests;

/// <summary>`chatstreams notifications` refuses settings it cannot run with, naming each one, before it connects anywhere.</summary>
public sealed class NotificationsCommandTests
{
    [Fact]
    public void A_webhook_without_a_secret_and_a_bad_urgency_exit_1_and_name_the_settings()
    {
        var (exitCode, output) = Run(new Dictionary<string, string>
        {
            ["Notifications__WebhookUrl"] = "https://hooks.example.com/chat",
            ["Notifications__Urgency"] = "asap",
        });
        Assert.Equal(1, exitCode);
        Assert.Contains("Notifications:WebhookSecret must be set", output);
        Assert.Contains("Notifications:Urgency 'asap' must be one of very-low, low, normal, high", output);
    }

    [Fact]
    public void A_broken_vapid_key_file_exits_1_and_says_not_to_replace_it_lightly()
    {
        var folder = Directory.CreateTempSubdirectory("notifications-command-");
        try
        {
            var keyFile = Path.Combine(folder.FullName, "vapid.json");
            File.WriteAllText(keyFile, "{not json");
            var (exitCode, output) = Run(new Dictionary<string, string>
            {
                ["Notifications__SqlitePath"] = Path.Combine(folder.FullName, "preferences.db"),
                ["Notifications__LedgerPath"] = Path.Combine(folder.FullName, "sent.db"),
                ["Notifications__VapidKeyFile"] = keyFile,
            });
            Assert.Equal(1, exitCode);
            Assert.Contains($"the VAPID key file {keyFile} is not valid JSON", output);
            Assert.Contains("a new key orphans every push subscription", output);
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static (int ExitCode, string Output) Run(Dictionary<string, string> environment)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "chatstreams.dll"));
        info.ArgumentList.Add("notifications");
        // Nothing listens here: the command must fail on its settings before it tries to connect.
        info.Environment["Kafka__BootstrapServers"] = "127.0.0.1:1";
        info.Environment["SchemaRegistry__Url"] = "http://127.0.0.1:1";
        foreach (var (k, v) in environment) info.Environment[k] = v;
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(60_000))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("chatstreams notifications did not exit within 60 s");
        }
        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
