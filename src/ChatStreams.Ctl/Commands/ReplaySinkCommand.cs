using System.CommandLine;
using ChatStreams.Ctl.Cluster;
using ChatStreams.Ctl.Output;

namespace ChatStreams.Ctl.Commands;

/// <summary>`chatctl replay-sink history|search|analytics --from 6h|2026-12-05T10:00Z|earliest [--dry-run]`: rebuild a (stopped) sink from chat.events.</summary>
public static class ReplaySinkCommand
{
    public static Command Create(CtlContext context)
    {
        var sink = new Argument<string>("sink") { Description = "The sink to rebuild: " + string.Join(", ", SinkReplay.Sinks) };
        sink.AcceptOnlyFromAmong(SinkReplay.Sinks);
        var from = new Option<string>("--from") { Description = "Where to replay from: earliest, an ISO 8601 time (2026-12-05T10:00:00Z) or a duration ago (90m, 6h, 2d)", Required = true };
        var dryRun = new Option<bool>("--dry-run") { Description = "Show what would be replayed; change nothing" };
        var command = new Command("replay-sink", "Rebuild a sink's store from chat.events: moves the stopped sink's offsets back to a time") { sink, from, dryRun };
        command.SetAction(async (parse, ct) => await CtlErrors.RunAsync(context, async () =>
        {
            if (!ReplayStart.TryParse(parse.GetValue(from)!, DateTimeOffset.UtcNow, out var start))
            {
                await context.Error.WriteLineAsync($"error: --from '{parse.GetValue(from)}' is not earliest, an ISO 8601 time or a duration like 90m, 6h, 2d.");
                return ChatCtl.Usage;
            }
            var settings = ClusterSettings.From(context, parse);
            var name = parse.GetValue(sink)!;
            using var cluster = new KafkaCluster(settings.Kafka);
            var groups = new StatusReader(cluster, settings, new EdgeSessions(cluster, settings.Registry, EdgeSessions.DefaultWindow));
            var plan = await new SinkReplay(cluster, groups).RunAsync(name, settings.Sinks.GroupIdPrefix + name, start, apply: !parse.GetValue(dryRun));
            if (parse.GetValue(GlobalOptions.Json)) PlainConsole.WriteJson(context.Output, plan);
            else
            {
                var table = PlainConsole.NewTable("topic", "partition", "committed", "replay from", "end", "records");
                foreach (var p in plan.Partitions) table.AddCells(p.Topic, p.Partition, p.Committed, p.From, p.End, p.Records);
                PlainConsole.For(context.Output).Write(table);
                var total = plan.Partitions.Sum(p => p.Records);
                context.Output.WriteLine(plan.Applied
                    ? $"group {plan.GroupId} now starts from {plan.Start}: sink {plan.Sink} writes {total} records again when it starts (its writes are idempotent)."
                    : $"dry run: group {plan.GroupId} would replay {total} records from {plan.Start}; nothing changed.");
            }
            return ChatCtl.Ok;
        }));
        return command;
    }
}
