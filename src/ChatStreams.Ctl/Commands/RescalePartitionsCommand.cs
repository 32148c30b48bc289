using System.CommandLine;
using System.Text.Json;
using ChatStreams.Contracts;
using ChatStreams.Kafka;
using ChatStreams.Streams.Generations;
using ChatStreams.Topologies;

namespace ChatStreams.Ctl.Commands;

/// <summary>
/// `chatctl rescale-partitions --to N [--bootstrap host:port] [--json]`: gives chat.commands, chat.events and
/// chat.receipts (and the conversation-keyed state of the conversation, fan-out and presence topologies) N partitions
/// without reordering, losing or doubling any conversation's messages, while the system runs (docs/operations.md,
/// "Rescaling partitions"). Rerun with the same N to resume after an interruption.
/// </summary>
public static class RescalePartitionsCommand
{
    public static Command Create(CtlContext context)
    {
        var to = new Option<int>("--to") { Description = "The new partition count of chat.commands, chat.events and chat.receipts; more than the current one", Required = true };
        to.Validators.Add(r =>
        {
            if (r.GetValue(to) < 1) r.AddError("--to must be a positive partition count, e.g. --to 24");
        });
        var producerWait = new Option<TimeSpan>("--producer-wait")
        {
            Description = "How long to wait for every edge to report its switch before writing the cutover markers anyway",
            DefaultValueFactory = _ => TimeSpan.FromSeconds(30),
        };
        var timeout = new Option<TimeSpan>("--timeout")
        {
            Description = "How long the processors may take to drain an old generation and catch up on the new one",
            DefaultValueFactory = _ => TimeSpan.FromMinutes(10),
        };
        var command = new Command("rescale-partitions",
            "Rescale chat.commands, chat.events and chat.receipts to more partitions, keeping every conversation's order (resumable: rerun with the same --to)")
        {
            to, producerWait, timeout,
        };
        command.SetAction(async (parse, ct) =>
        {
            var kafka = CtlConfiguration.Bind<KafkaOptions>(context.Configuration, KafkaOptions.Section);
            if (parse.GetValue(GlobalOptions.Bootstrap) is { Length: > 0 } servers) kafka.BootstrapServers = servers;
            var asJson = parse.GetValue(GlobalOptions.Json); // --json: the result on stdout, progress on stderr
            var progressOutput = asJson ? context.Error : context.Output;
            var started = DateTimeOffset.UtcNow;
            var progress = new SynchronousProgress(p =>
                progressOutput.WriteLine($"[{(DateTimeOffset.UtcNow - started).TotalSeconds,6:0.0} s] {p.Phase,-9} {p.Message}"));
            var rescale = new PartitionRescale(kafka, new RescaleOptions { ProducerWait = parse.GetValue(producerWait), DrainTimeout = parse.GetValue(timeout) });
            try
            {
                var result = await rescale.RunAsync(ChatRescalePlan.Create(), parse.GetValue(to), progress, ct);
                if (asJson)
                {
                    await context.Output.WriteLineAsync(JsonSerializer.Serialize(new
                    {
                        topic = result.Topic,
                        fromGeneration = result.FromGeneration,
                        fromPartitions = result.FromPartitions,
                        generation = result.Generation,
                        partitions = result.Partitions,
                        heldMs = (long)result.Held.TotalMilliseconds,
                        untilCaughtUpMs = (long)result.UntilCaughtUp.TotalMilliseconds,
                        producersThatDidNotReport = result.ProducersThatDidNotReport,
                        downstream = result.Downstream is { } d
                            ? new { topics = d.Topics, fromGeneration = d.FromGeneration, generation = d.Generation, partitions = d.Partitions, heldMs = (long)d.Held.TotalMilliseconds }
                            : null,
                    }));
                }
                else
                {
                    await context.Output.WriteLineAsync(
                        $"{result.Topic}: generation {result.Generation} with {result.Partitions} partitions is live " +
                        $"(was generation {result.FromGeneration} with {result.FromPartitions}); new-generation records were held " +
                        $"{result.Held.TotalSeconds:0.0} s, processed up to date {result.UntilCaughtUp.TotalSeconds:0.0} s after the switch");
                    if (result.Downstream is { } d)
                        await context.Output.WriteLineAsync(
                            $"{string.Join(", ", d.Topics)}: generation {d.Generation} with {d.Partitions} partitions is live (was generation {d.FromGeneration}); " +
                            $"the fan-out and presence held the new generation {d.Held.TotalSeconds:0.0} s after the conversation topology's release");
                }
                return ChatCtl.Ok;
            }
            catch (Exception e) when (e is RescaleRefusedException or TimeoutException or InvalidOperationException or Confluent.Kafka.KafkaException)
            {
                var resumable = e is RescaleRefusedException ? "" : " Nothing is lost: run the same command again to resume where it stopped.";
                await context.Error.WriteLineAsync($"error: {e.Message}{resumable}");
                return ChatCtl.Failed;
            }
        });
        return command;
    }

    /// <summary>Reports on the caller's thread (Progress&lt;T&gt; would post to the thread pool and reorder lines).</summary>
    private sealed class SynchronousProgress(Action<RescaleProgress> report) : IProgress<RescaleProgress>
    {
        public void Report(RescaleProgress value) => report(value);
    }
}
