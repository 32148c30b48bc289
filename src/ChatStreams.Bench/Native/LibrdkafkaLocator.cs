using System.Runtime.InteropServices;

namespace ChatStreams.Bench.Native;

/// <summary>
/// Finds the librdkafka shared library that Confluent.Kafka ships (package librdkafka.redist), so the mock
/// cluster runs the very librdkafka build the clients use. The centos8 build comes first: the plain
/// librdkafka.so links libsasl2.so.3, which Debian 12 does not have.
/// </summary>
public static class LibrdkafkaLocator
{
    /// <summary>Environment variable that names the library file explicitly (skips the search).</summary>
    public const string PathVariable = "CHATSTREAMS_LIBRDKAFKA";

    private static readonly string[] LinuxFileNames = ["centos8-librdkafka.so", "librdkafka.so"];

    /// <summary>Candidate files in the order they are tried; none of them needs to exist.</summary>
    public static IReadOnlyList<string> Candidates()
    {
        if (Environment.GetEnvironmentVariable(PathVariable) is { Length: > 0 } explicitPath)
            return [explicitPath];

        var rid = RuntimeIdentifier();
        var folders = new List<string>();
        // Beside the Confluent.Kafka assembly: the build copies runtimes/<rid>/native/ into the output folder.
        var clientDirectory = Path.GetDirectoryName(typeof(Confluent.Kafka.Library).Assembly.Location);
        if (!string.IsNullOrEmpty(clientDirectory))
            folders.Add(Path.Combine(clientDirectory, "runtimes", rid, "native"));
        // The NuGet cache, for the librdkafka.redist version matching Confluent.Kafka's.
        var version = typeof(Confluent.Kafka.Library).Assembly.GetName().Version;
        if (version is not null)
            folders.Add(Path.Combine(NuGetCache(), "librdkafka.redist", $"{version.Major}.{version.Minor}.{version.Build}", "runtimes", rid, "native"));

        return folders.SelectMany(folder => LinuxFileNames.Select(name => Path.Combine(folder, name))).ToList();
    }

    /// <summary>Loads the first of <see cref="Candidates"/> that exists and loads; throws with every place tried otherwise.</summary>
    public static IntPtr Load() => Load(Candidates());

    /// <summary>Loads the first of <paramref name="candidates"/> that exists and loads; throws with every place tried otherwise.</summary>
    public static IntPtr Load(IEnumerable<string> candidates)
    {
        if (!OperatingSystem.IsLinux())
            throw new PlatformNotSupportedException("The librdkafka mock cluster benchmark runs on Linux only (it loads librdkafka's .so by path).");

        var tried = new List<string>();
        foreach (var candidate in candidates)
        {
            if (!File.Exists(candidate))
            {
                tried.Add($"{candidate} (missing)");
                continue;
            }
            if (NativeLibrary.TryLoad(candidate, out var handle)) return handle;
            tried.Add($"{candidate} (exists but did not load: not a library for this machine, or a shared library it needs is missing — `ldd {candidate}` tells which)");
        }
        throw new FileNotFoundException(
            "librdkafka was not found, so the mock cluster cannot be created. Looked at:\n  " + string.Join("\n  ", tried) +
            $"\nRun `dotnet restore` so the librdkafka.redist package is in the NuGet cache, or set {PathVariable} to a librdkafka .so file.");
    }

    private static string RuntimeIdentifier() => RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.Arm64 => "linux-arm64",
        _ => "linux-x64",
    };

    private static string NuGetCache() =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } cache
            ? cache
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
}
