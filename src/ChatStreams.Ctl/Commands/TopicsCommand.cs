using System.CommandLine;
using ChatStreams.Ctl.Cluster;
using ChatStreams.Ctl.Output;

namespace ChatStreams.Ctl.Commands;

/// <summary>`chatctl topics [--edge id]... [--check]`: create the configured topics that are missing and verify the rest (exit 1 when one differs).</summary>
public static class TopicsCommand
{
    public static Command Create(CtlContext context)
    {
        var edges = new Option<string[]>("--edge") { Description = "An edge whose delivery topic must exist as well (repeatable), e.g. --edge chatstreams-edge-2", AllowMultipleArgumentsPerToken = true };
        var check = new Option<bool>("--check") { Description = "Only verify: create nothing, exit 1 when a topic is missing or differs" };
        var command = new Command("topics", "Create the configured topics (Topics__*) that are missing and verify the existing ones") { edges, check };
        command.SetAction(async (parse, ct) => await CtlErrors.RunAsync(context, async () =>
        {
            var settings = ClusterSettings.From(context, parse);
            var edgeIds = parse.GetValue(edges) ?? [];
            if (edgeIds.FirstOrDefault(id => !Contracts.Topics.IsValidEdgeId(id)) is { } bad)
                throw new ClusterException($"'{bad}' is not an edge id (letters, digits, '.', '_' or '-').");
            using var cluster = new KafkaCluster(settings.Kafka);
            var results = await new TopicCheck(cluster, settings.Topics).RunAsync(edgeIds, create: !parse.GetValue(check));
            if (parse.GetValue(GlobalOptions.Json)) PlainConsole.WriteJson(context.Output, results);
            else
            {
                var table = PlainConsole.NewTable("topic", "partitions", "actual", "state", "differences");
                foreach (var r in results) table.AddCells(r.Topic, r.Partitions, r.ActualPartitions, r.State, string.Join("; ", r.Differences));
                PlainConsole.For(context.Output).Write(table);
            }
            var wrong = results.Where(r => r.State is TopicCheck.Differs or TopicCheck.Missing).ToList();
            if (wrong.Count == 0) return ChatCtl.Ok;
            await context.Error.WriteLineAsync($"error: {wrong.Count} topic(s) differ from the Topics settings or are missing: {string.Join(", ", wrong.Select(w => w.Topic))}" +
                (parse.GetValue(check) ? "; run 'chatctl topics' without --check to create missing ones" : ""));
            return ChatCtl.Failed;
        }));
        return command;
    }
}
