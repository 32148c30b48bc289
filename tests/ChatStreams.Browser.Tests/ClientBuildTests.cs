using System.Security.Cryptography;
using System.Text;
using ChatStreams.TestSupport;

namespace ChatStreams.Browser.Tests;

/// <summary>
/// The built JavaScript is committed (the edges serve it without Node). `npm run build` stamps the hash of the
/// TypeScript it was built from; this recomputes it the same way, so an edited source without a rebuild fails here.
/// </summary>
public sealed class ClientBuildTests
{
    [Fact]
    public void The_committed_javascript_was_built_from_the_current_typescript()
    {
        var web = Path.Combine(RepositoryPaths.Root, "src", "ChatStreams.Edge");
        var sources = Directory.GetFiles(Path.Combine(web, "WebClient", "src"), "*.ts").Order(StringComparer.Ordinal).ToList();
        var text = new StringBuilder();
        foreach (var file in sources)
            text.Append(Path.GetFileName(file)).Append('\n').Append(File.ReadAllText(file).Replace("\r\n", "\n")).Append('\n');
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
        var stamp = File.ReadAllText(Path.Combine(web, "wwwroot", "js", "SOURCES.sha256")).Trim();
        Assert.True(hash == stamp, "src/ChatStreams.Edge/WebClient/src changed since wwwroot/js was built: run `npm ci && npm run build` in src/ChatStreams.Edge/WebClient and commit wwwroot/js.");
        foreach (var file in sources)
            Assert.True(File.Exists(Path.Combine(web, "wwwroot", "js", Path.ChangeExtension(Path.GetFileName(file), ".js"))), $"{file} has no built .js");
    }
}
