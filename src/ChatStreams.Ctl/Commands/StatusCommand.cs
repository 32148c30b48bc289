using System.CommandLine;
using ChatStreams.Ctl.Cluster;
using ChatStreams.Ctl.Output;

namespace ChatStreams.Ctl.Commands;

/// <summary>
/// `chatctl status [--json] [--bootstrap servers] [--window 30s]`: topics, consumer groups with lag per partition,
/// processing instances (the topology and sink groups' members), edges online with their connection counts.
/// </summary>
public static class StatusCommand
{
    public static Command Create(CtlContext context)
    {
        var window = new Option<TimeSpan>("--window")
        {
            Description = "How far back chat.sessions is read for open connections (a few Edge__HeartbeatInterval)",
            DefaultValueFactory = _ => EdgeSessions.DefaultWindow,
        };
        var command = new Command("status", "Topics, consumer groups with lag per partition, processing instances, edges and their connections") { window };
        command.SetAction(async (parse, ct) => await CtlErrors.RunAsync(context, async () =>
        {
            var settings = ClusterSettings.From(context, parse);
            using var cluster = new KafkaCluster(settings.Kafka);
            var status = await new StatusReader(cluster, settings, new EdgeSessions(cluster, settings.Registry, parse.GetValue(window))).ReadAsync(ct);
            if (parse.GetValue(GlobalOptions.Json)) PlainConsole.WriteJson(context.Output, status);
            else StatusTables.Write(status, context.Output);
            return ChatCtl.Ok;
        }));
        return command;
    }
}
