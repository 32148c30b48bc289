namespace ChatStreams.Host;

/// <summary>
/// redis-server for the one-machine run, when installed: loopback only, nothing persisted (it only carries typing
/// signals between the edges).
/// </summary>
internal static class LocalRedis
{
    public static string? Find() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(dir => Path.Combine(dir, "redis-server"))
            .FirstOrDefault(File.Exists);

    public static IReadOnlyList<string> Arguments(int port, string directory) =>
        ["--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", directory, "--protected-mode", "yes"];
}
