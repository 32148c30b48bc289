using ChatStreams.Sinks.Analytics.ClickHouse;
using ChatStreams.TestSupport;

namespace ChatStreams.Sinks.Tests.Support;

/// <summary>
/// A real clickhouse-server for the tests of a class (<see cref="LocalClickHouseServer"/> in a temp folder), with a
/// second user that has a password. A missing server fails the tests naming the package: CI installs it
/// (scripts/install-test-deps.sh), so a silent skip would hide that the ClickHouse store went untested.
/// </summary>
public sealed class ClickHouseServer : IAsyncLifetime
{
    public const string Package = LocalClickHouseServer.Package;

    /// <summary>A second user with a password, for the credential tests.</summary>
    public const string AnalystUser = "analyst";
    public const string AnalystPassword = "s3cret pass";

    private readonly TempDirectory _folder = new("clickhouse");
    private LocalClickHouseServer? _server;

    public string Url => _server?.Url ?? throw new InvalidOperationException("not started");

    public TimeSpan StartedIn => _server?.StartedIn ?? TimeSpan.Zero;

    public async Task InitializeAsync()
    {
        if (LocalClickHouseServer.Locate() is null)
            throw new InvalidOperationException(
                $"clickhouse-server is not installed: the ClickHouse analytics tests need it. Install the Debian package " +
                $"'{Package}' (sudo apt-get install -y {Package} clickhouse-client, or scripts/install-test-deps.sh as root).");
        _server = await LocalClickHouseServer.StartAsync(_folder.Path,
            $"<{AnalystUser}><password>{AnalystPassword}</password><networks><ip>127.0.0.1</ip></networks><profile>default</profile><quota>default</quota></{AnalystUser}>");
    }

    public async Task DisposeAsync()
    {
        if (_server is not null) await _server.DisposeAsync();
        _folder.Dispose();
    }
}
