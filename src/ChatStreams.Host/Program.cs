using System.CommandLine;
using ChatStreams.Host;
using ChatStreams.Host.Commands;

// chatstreams: one binary for every ChatStreams process. `up` runs the whole system on one machine;
// the other commands run one component each, as a cluster deploys them.
var root = new RootCommand("ChatStreams: real-time chat on Kafka streams")
{
    UpCommand.Create(),
    BrokerCommand.Create(),
    TopologyCommand.Create(),
    EdgeCommand.Create(),
    GatewayCommand.Create(),
    SinkCommand.Create(),
    NotificationsCommand.Create(),
};
using var shutdown = new ShutdownSignal();
// Our own signal handling replaces System.CommandLine's, which lets SIGTERM kill the process mid-shutdown.
return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null }, shutdown.Token);
