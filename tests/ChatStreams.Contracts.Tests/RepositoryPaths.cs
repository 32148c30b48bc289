namespace ChatStreams.Contracts.Tests;

internal static class RepositoryPaths
{
    /// <summary>The repository's schemas/ folder, found by walking up from the test binaries to ChatStreams.sln.</summary>
    public static string SchemasFolder { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ChatStreams.sln")))
                return Path.Combine(dir.FullName, "schemas");
        throw new DirectoryNotFoundException($"No ChatStreams.sln above {AppContext.BaseDirectory}.");
    }
}
