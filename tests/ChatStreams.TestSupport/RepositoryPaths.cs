namespace ChatStreams.TestSupport;

/// <summary>Folders of the repository the tests read (schemas, binaries), found from the test binaries.</summary>
public static class RepositoryPaths
{
    /// <summary>The repository root, found by walking up from the test binaries to ChatStreams.sln.</summary>
    public static string Root { get; } = Find();

    public static string SchemasFolder => Path.Combine(Root, "schemas");

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ChatStreams.sln")))
                return dir.FullName;
        throw new DirectoryNotFoundException($"No ChatStreams.sln above {AppContext.BaseDirectory}.");
    }
}
