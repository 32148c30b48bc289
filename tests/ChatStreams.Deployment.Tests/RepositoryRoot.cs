namespace ChatStreams.Deployment.Tests;

/// <summary>The folder holding ChatStreams.sln, found by walking up from the test binaries.</summary>
/// <remarks>Tests run from bin/&lt;config&gt;/net10.0, several levels below the repository root.</remarks>
public static class RepositoryRoot
{
    public const string SolutionFileName = "ChatStreams.sln";

    private static readonly Lazy<string> Root = new(Find);

    public static string Path => Root.Value;

    public static string File(string relativePath) =>
        System.IO.Path.Combine(Path, relativePath.Replace('/', System.IO.Path.DirectorySeparatorChar));

    private static string Find()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (System.IO.File.Exists(System.IO.Path.Combine(folder.FullName, SolutionFileName)))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException(
            $"No folder above {AppContext.BaseDirectory} holds {SolutionFileName}; " +
            "run the deployment tests from inside the ChatStreams repository.");
    }
}
