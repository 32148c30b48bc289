using ChatStreams.Contracts.Hosting;
namespace ChatStreams.Kafka.Broker.Tests.Support;

/// <summary>`chatstreams broker` in its own process, so a test can kill -9 it and start it again on the same data and port.</summary>
public sealed class BrokerProcess : IDisposable
{
    private ChildProcessRunner? _process;

    public BrokerProcess(string dataDirectory)
    {
        DataDirectory = dataDirectory;
        Port = FreePort.Pick();
    }

    public string DataDirectory { get; }
    public int Port { get; }
    public string BootstrapServers => $"127.0.0.1:{Port}";

    public async Task StartAsync()
    {
        _process = ChildProcessRunner.Start("chatstreams.dll", "broker", "--data-dir", DataDirectory, "--port", Port.ToString());
        await _process.WaitForLineAsync(l => l.StartsWith("broker listening on", StringComparison.Ordinal), TimeSpan.FromSeconds(60));
    }

    public void Kill() => _process?.Kill();

    public void Dispose() => _process?.Dispose();
}
