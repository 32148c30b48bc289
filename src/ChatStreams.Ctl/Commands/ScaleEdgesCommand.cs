using System.CommandLine;
using ChatStreams.Ctl.Cluster;
using ChatStreams.Ctl.Kubernetes;
using ChatStreams.Ctl.Output;

namespace ChatStreams.Ctl.Commands;

/// <summary>
/// `chatctl scale-edges N [--timeout 5m] [--no-wait]`: scales the edges' StatefulSet (Kubernetes__*), creating delivery
/// topics first and waiting for the edges that go away to drain. `chatstreams up` runs a fixed number of edges (--edges).
/// </summary>
public static class ScaleEdgesCommand
{
    public static Command Create(CtlContext context)
    {
        var count = new Argument<int>("count") { Description = "How many edges to run" };
        var timeout = new Option<TimeSpan>("--timeout") { Description = "How long to wait for new edges to be ready or removed ones to drain", DefaultValueFactory = _ => TimeSpan.FromMinutes(5) };
        var noWait = new Option<bool>("--no-wait") { Description = "Patch and return without waiting" };
        var command = new Command("scale-edges", "Scale the edges' StatefulSet in Kubernetes: delivery topics first, drained edges leave last") { count, timeout, noWait };
        command.SetAction(async (parse, ct) => await CtlErrors.RunAsync(context, async () =>
        {
            var settings = ClusterSettings.From(context, parse);
            var kubernetes = CtlConfiguration.Bind<KubernetesOptions>(context.Configuration, KubernetesOptions.Section);
            using var edges = new EdgeStatefulSet(kubernetes);
            using var cluster = new KafkaCluster(settings.Kafka);
            var json = parse.GetValue(GlobalOptions.Json);
            var scaling = new EdgeScaling(edges, cluster, settings.Topics, line => { if (!json) context.Output.WriteLine(line); });
            var result = await scaling.ScaleAsync(parse.GetValue(count), parse.GetValue(noWait) ? null : parse.GetValue(timeout), ct);
            if (json) PlainConsole.WriteJson(context.Output, result);
            else if (result.From == result.To) context.Output.WriteLine($"{edges.Name} already runs {result.To} edges");
            return ChatCtl.Ok;
        }));
        return command;
    }
}
