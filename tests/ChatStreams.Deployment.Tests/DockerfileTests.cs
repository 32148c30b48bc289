using System.Xml.Linq;
using ChatStreams.Deployment.Tests.Model;

namespace ChatStreams.Deployment.Tests;

/// <summary>The one image for every process: SDK build stage publishing the host, ASP.NET runtime stage running it.</summary>
public sealed class DockerfileTests
{
    private const string HostProject = "src/ChatStreams.Host/ChatStreams.Host.csproj";

    private static Dockerfile Image => DeploymentFiles.HostImage;

    [Fact]
    public void BuildStage_PublishesTheHostProject_WithTheDotNet10Sdk()
    {
        var build = Assert.Single(Image.Stages, s => s.BaseImage == "mcr.microsoft.com/dotnet/sdk:10.0");
        Assert.NotNull(build.Name);
        Assert.Contains(build.Arguments("RUN"), run => run.Contains($"dotnet publish {HostProject}", StringComparison.Ordinal));
        Assert.True(File.Exists(RepositoryRoot.File(HostProject)), $"{HostProject} does not exist.");
    }

    [Fact]
    public void RuntimeStage_RunsOnAspNet10_WithWhatTheBuildStagePublished()
    {
        var runtime = Image.FinalStage;
        Assert.Equal("mcr.microsoft.com/dotnet/aspnet:10.0", runtime.BaseImage);
        var build = Assert.Single(Image.Stages, s => s.BaseImage == "mcr.microsoft.com/dotnet/sdk:10.0");
        Assert.Contains(runtime.Arguments("COPY"), copy => copy.StartsWith($"--from={build.Name} ", StringComparison.Ordinal));
    }

    [Fact]
    public void EntryPoint_IsTheHostBinary_NamedAfterItsAssembly()
    {
        var project = XDocument.Load(RepositoryRoot.File(HostProject));
        var assemblyName = project.Descendants("AssemblyName").Select(e => e.Value.Trim()).SingleOrDefault();
        Assert.Equal("chatstreams", assemblyName);

        var entryPoint = Assert.Single(Image.FinalStage.Arguments("ENTRYPOINT"));
        var executable = System.Text.Json.JsonSerializer.Deserialize<string[]>(entryPoint)?.FirstOrDefault();
        Assert.Equal(assemblyName, Path.GetFileName(executable));
    }

    [Fact]
    public void RuntimeStage_DoesNotRunAsRoot()
    {
        var user = Image.FinalStage.Arguments("USER").LastOrDefault();
        Assert.False(user is null or "root" or "0", "The runtime stage must switch to a non-root user.");
    }

    [Fact]
    public void EveryProgramAProcessHealthcheckRuns_IsInstalledInTheRuntimeStage()
    {
        // The ASP.NET base image ships no HTTP client; a healthcheck calling one must have it installed.
        var programs = DeploymentFiles.Compose.WithRole(ServiceRoles.Process)
            .Where(p => p.HealthcheckTest.Count >= 2 && p.HealthcheckTest[0] == "CMD")
            .Select(p => p.HealthcheckTest[1])
            .Distinct()
            .ToList();
        Assert.NotEmpty(programs);
        var installs = string.Join('\n', Image.FinalStage.Arguments("RUN"));
        Assert.All(programs, program => Assert.Matches($@"apt-get install [^\n]*\b{program}\b", installs));
    }

    [Fact]
    public void DockerIgnore_KeepsEverythingTheHostBuildNeeds_AndDropsBuildOutput()
    {
        var ignore = DockerIgnore.Load(RepositoryRoot.File(".dockerignore"));
        var needed = new[] { "Directory.Build.props", "Directory.Packages.props" }
            .Concat(ProjectClosure(HostProject))
            .ToList();
        Assert.DoesNotContain(needed, ignore.Excludes);

        Assert.True(ignore.Excludes("src/ChatStreams.Host/bin/Release/net10.0/chatstreams.dll"), "bin/ must stay out of the build context.");
        Assert.True(ignore.Excludes("src/ChatStreams.Host/obj/project.assets.json"), "obj/ must stay out of the build context.");
        Assert.True(ignore.Excludes(".git/HEAD"), ".git must stay out of the build context.");
    }

    /// <summary>The host project and every project it references, transitively, as repository-relative paths.</summary>
    private static List<string> ProjectClosure(string rootProject)
    {
        var result = new List<string>();
        var pending = new Stack<string>([rootProject]);
        while (pending.TryPop(out var project))
        {
            if (result.Contains(project))
            {
                continue;
            }

            result.Add(project);
            var folder = Path.GetDirectoryName(RepositoryRoot.File(project))!;
            foreach (var reference in XDocument.Load(RepositoryRoot.File(project)).Descendants("ProjectReference"))
            {
                var full = Path.GetFullPath(Path.Combine(folder, reference.Attribute("Include")!.Value.Replace('\\', '/')));
                pending.Push(Path.GetRelativePath(RepositoryRoot.Path, full).Replace('\\', '/'));
            }
        }

        return result;
    }
}
