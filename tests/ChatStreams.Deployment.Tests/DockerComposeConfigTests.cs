using System.Diagnostics;
using Xunit.Abstractions;

namespace ChatStreams.Deployment.Tests;

/// <summary>docker compose itself accepts the file (schema, interpolation, anchors), where a docker client is installed.</summary>
public sealed class DockerComposeConfigTests(ITestOutputHelper output)
{
    private static readonly TimeSpan CommandLimit = TimeSpan.FromMinutes(2);

    [Fact]
    public void ComposeFile_PassesDockerComposeConfig_WhenDockerClientPresent()
    {
        var docker = FindOnPath("docker");
        if (docker is null)
        {
            // xunit 2.9 has no dynamic skip: say so and pass, the YAML-level tests still ran.
            output.WriteLine("SKIPPED: no `docker` client on PATH, so `docker compose config -q` was not run.");
            return;
        }

        var version = Run(docker, ["compose", "version"]);
        if (version.ExitCode != 0)
        {
            output.WriteLine($"SKIPPED: {docker} has no compose plugin (`docker compose version` exited {version.ExitCode}: {version.Error.Trim().ReplaceLineEndings(" ")}).");
            return;
        }

        var result = Run(docker, ["compose", "-f", DeploymentFiles.ComposeFileName, "config", "-q"]);
        Assert.True(result.ExitCode == 0,
            $"`docker compose -f {DeploymentFiles.ComposeFileName} config -q` exited {result.ExitCode}:\n{result.Error}{result.Output}");
    }

    private static string? FindOnPath(string executable) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(folder => Path.Combine(folder, OperatingSystem.IsWindows() ? executable + ".exe" : executable))
            .FirstOrDefault(File.Exists);

    private static (int ExitCode, string Output, string Error) Run(string fileName, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = RepositoryRoot.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(CommandLimit))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{fileName} {string.Join(' ', start.ArgumentList)} did not finish within {CommandLimit}.");
        }

        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}
