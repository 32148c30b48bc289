namespace ChatStreams.TestSupport;

/// <summary>Folders of the repository the tests read (schemas, binaries), found from the test binaries.</summary>
public static class RepositoryPaths
{
    /// <summary>The repository root, found by walking up from the test binaries to ChatStreams.sln.</summary>
    public static string Root { get; } = Find();

    public static string SchemasFolder => Path.Combine(Root, "schemas");

    /// <summary>
    /// A program's main assembly in its own build output (src/&lt;project&gt;/bin/&lt;configuration&gt;/&lt;tfm&gt;/), built in the
    /// same configuration as the tests; run from there with `dotnet &lt;assembly&gt;`, as its own dependencies lie beside it.
    /// </summary>
    public static string ProgramAssembly(string project, string assembly)
    {
        var tfm = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = tfm.Parent!.Name;
        var path = Path.Combine(Root, "src", project, "bin", configuration, tfm.Name, assembly);
        return File.Exists(path) ? path : throw new FileNotFoundException($"{path} is not built; build the solution first.", path);
    }

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "ChatStreams.sln")))
                return dir.FullName;
        throw new DirectoryNotFoundException($"No ChatStreams.sln above {AppContext.BaseDirectory}.");
    }
}
