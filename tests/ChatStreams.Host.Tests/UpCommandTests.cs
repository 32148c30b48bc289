using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using ChatStreams.Contracts;
using chatstreams.v1;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using ChatStreams.Kafka.Broker;
using ChatStreams.Kafka.Broker.Server;

namespace ChatStreams.Host.Tests;

/// <summary>`chatstreams up` as a user runs it: a separate process, then plain clients from outside.</summary>
public sealed partial class UpCommandTests
{
    [GeneratedRegex(@"^ChatStreams is up: (?<gateway>\S+) \(kafka (?<kafka>\S+), registry (?<registry>\S+), status (?<front>\S+)\)$")]
    private static partial Regex UpLine();

    /// <summary>`chatstreams up` in its own process with free ports; its output lines are collected.</summary>
    private static (Process Process, List<string> Lines, Task<Match> UpLine) StartUp(string data, params string[] extra)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "chatstreams.dll"), "up", "--data-dir", data, "--port", "0", "--kafka-port", "0", "--registry-port", "0" }.Concat(extra))
            info.ArgumentList.Add(a);
        var process = Process.Start(info)!;
        var lines = new List<string>();
        var upLine = new TaskCompletionSource<Match>();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (lines) lines.Add(e.Data);
            if (UpLine().Match(e.Data) is { Success: true } m) upLine.TrySetResult(m);
        };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (lines) lines.Add("stderr: " + e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return (process, lines, upLine.Task);
    }

    [Fact]
    public async Task Up_serves_kafka_and_the_registry_to_outside_clients_and_stops_on_sigterm()
    {
        var data = Path.Combine(Path.GetTempPath(), "chatstreams-up-" + Guid.NewGuid().ToString("N"));
        var (started, lines, upLine) = StartUp(data);
        using var process = started;
        try
        {
            var match = await upLine.WaitAsync(TimeSpan.FromSeconds(90));
            var kafka = match.Groups["kafka"].Value;

            // A plain producer and consumer from outside exchange records through the embedded broker.
            using (var producer = new ProducerBuilder<string, string>(new ProducerConfig { BootstrapServers = kafka, EnableIdempotence = true }).Build())
                await producer.ProduceAsync("chat.commands", new Message<string, string> { Key = "conv-1", Value = "hello" });
            using (var consumer = new ConsumerBuilder<string, string>(new ConsumerConfig { BootstrapServers = kafka, GroupId = "outside", AutoOffsetReset = AutoOffsetReset.Earliest }).Build())
            {
                consumer.Subscribe("chat.commands");
                var record = consumer.Consume(TimeSpan.FromSeconds(30));
                Assert.NotNull(record);
                Assert.Equal("hello", record.Message.Value);
                consumer.Close();
            }

            // The registry lists the subjects of schemas/.
            using var http = new HttpClient();
            var subjects = await http.GetFromJsonAsync<string[]>(match.Groups["registry"].Value + "/subjects");
            var expected = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "schemas"), "*.avsc").Length;
            Assert.True(expected >= 7, $"expected the schemas folder beside the binary, found {expected} files");
            Assert.Equal(expected, subjects!.Length);

            var status = await http.GetFromJsonAsync<JsonElement>(match.Groups["front"].Value + "/status");
            // A fresh system's topics get the one-machine default count.
            Assert.Contains(status.GetProperty("topics").EnumerateArray(), t => t.GetProperty("name").GetString() == "chat.events"
                && t.GetProperty("partitions").GetInt32() == TopicSettings.DefaultPartitions);
            var components = status.GetProperty("components").EnumerateArray().Select(c => c.GetProperty("name").GetString()).ToList();
            Assert.Equal(["topologies", "sink-history", "sink-search", "sink-analytics", "notifications", "redis", "edge-0", "edge-1", "gateway"], components);

            // The printed URL is the gateway: once an edge is ready behind it, a user can register through it.
            var gateway = match.Groups["gateway"].Value;
            var deadline = DateTime.UtcNow.AddSeconds(90);
            HttpResponseMessage registered;
            while (true)
            {
                try
                {
                    registered = await http.PostAsJsonAsync(gateway + "/api/auth/register", new { username = "up-user", password = "correct horse battery", displayName = "Up" });
                    if (registered.StatusCode == System.Net.HttpStatusCode.Created) break;
                }
                catch (HttpRequestException) { registered = new HttpResponseMessage(System.Net.HttpStatusCode.BadGateway); }
                Assert.True(DateTime.UtcNow < deadline, $"registering through the gateway kept failing: {(int)registered.StatusCode}");
                await Task.Delay(500);
            }

            // The topologies run: a command sent as an edge sends it comes out of the conversation topology as an event.
            await AssertConversationIsCreatedAsync(kafka, match.Groups["registry"].Value);

            // Ctrl+C / SIGTERM stops everything cleanly.
            Assert.Equal(0, Kill(process.Id, 15));
            Assert.True(process.WaitForExit(30_000), "up did not stop within 30 s of SIGTERM");
            Assert.Equal(0, process.ExitCode);
        }
        catch
        {
            lock (lines) Console.WriteLine(string.Join('\n', lines));
            throw;
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            try { Directory.Delete(data, recursive: true); } catch (IOException) { }
        }
    }

    [Fact]
    public async Task Up_keeps_the_partition_counts_of_topics_that_exist_and_gives_them_to_every_component()
    {
        // A Kafka whose chat topics were created with other counts (a system from before the default changed, or made by hand).
        var data = Path.Combine(Path.GetTempPath(), "chatstreams-up-" + Guid.NewGuid().ToString("N"));
        var broker = await KafkaBroker.StartAsync(new BrokerOptions
        {
            Host = "127.0.0.1", Port = 0, DataDirectory = Path.Combine(data, "outside-kafka"), GroupInitialRebalanceDelayMs = 0,
        });
        using (var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = broker.BootstrapServers }).Build())
        {
            await admin.CreateTopicsAsync(new[] { Topics.ChatCommands, Topics.ChatEvents, Topics.ChatReceipts }
                .Select(name => new TopicSpecification { Name = name, NumPartitions = 12, ReplicationFactor = 1 }));
            await admin.CreateTopicsAsync(new[] { Topics.ChatSessions, Topics.ChatPresence }
                .Select(name => new TopicSpecification { Name = name, NumPartitions = 6, ReplicationFactor = 1, Configs = new() { ["cleanup.policy"] = "compact" } }));
        }

        var (started, lines, upLine) = StartUp(data, "--kafka", broker.BootstrapServers);
        using var process = started;
        try
        {
            var match = await upLine.WaitAsync(TimeSpan.FromSeconds(90));
            var kafka = match.Groups["kafka"].Value;
            // The topologies created the fan-out's by-user repartition topic with chat.sessions' count (a join of unequal
            // counts would be refused), the edges their delivery topics with the default, and messages flow.
            await AssertConversationIsCreatedAsync(kafka, match.Groups["registry"].Value);
            using var admin = new AdminClientBuilder(new AdminClientConfig { BootstrapServers = kafka }).Build();
            var deadline = DateTime.UtcNow.AddSeconds(60);
            Dictionary<string, int> counts;
            while (true)
            {
                counts = admin.GetMetadata(TimeSpan.FromSeconds(10)).Topics.ToDictionary(t => t.Topic, t => t.Partitions.Count);
                if (counts.ContainsKey("delivery.edge-0") && counts.Keys.Any(t => t.EndsWith("-deliveries-by-user", StringComparison.Ordinal))) break;
                Assert.True(DateTime.UtcNow < deadline, "no delivery topic or by-user repartition topic appeared: " + string.Join(", ", counts.Keys));
                await Task.Delay(500);
            }
            Assert.Equal(12, counts[Topics.ChatEvents]);
            Assert.Equal(6, counts.Single(t => t.Key.EndsWith("-deliveries-by-user", StringComparison.Ordinal)).Value);
            Assert.Equal(TopicSettings.DefaultPartitions, counts[Topics.ChatNotifications]);
            Assert.Equal(TopicSettings.DefaultPartitions, counts["delivery.edge-0"]);
            lock (lines) Assert.Contains(lines, l => l.Contains("keeping the partition counts the topics were created with", StringComparison.Ordinal));

            Assert.Equal(0, Kill(process.Id, 15));
            Assert.True(process.WaitForExit(30_000), "up did not stop within 30 s of SIGTERM");
        }
        catch
        {
            lock (lines) Console.WriteLine(string.Join('\n', lines));
            throw;
        }
        finally
        {
            if (!process.HasExited) process.Kill(entireProcessTree: true);
            await broker.DisposeAsync(); // before its folder goes
            try { Directory.Delete(data, recursive: true); } catch (IOException) { }
        }
    }

    private static async Task AssertConversationIsCreatedAsync(string kafka, string registryUrl)
    {
        var registryOptions = new SchemaRegistryClientOptions { Url = registryUrl };
        using var registry = registryOptions.CreateClient();
        var serdes = new ChatSerdes(registry, registryOptions);
        using (var producer = new ProducerBuilder<string, ChatCommand>(new ProducerConfig { BootstrapServers = kafka, EnableIdempotence = true })
                   .SetValueSerializer(serdes.Serializer<ChatCommand>()).Build())
        {
            await producer.ProduceAsync(Topics.ChatCommands, new Message<string, ChatCommand>
            {
                Key = "up-test",
                Value = new ChatCommand
                {
                    CommandId = Guid.NewGuid().ToString(), ConversationId = "up-test", UserId = "alice", DeviceId = "d1", EdgeId = "edge-0",
                    IssuedAt = DateTime.UtcNow, Payload = new CreateConversation { Kind = ConversationKind.Direct, Members = ["bob"] },
                },
            });
        }
        using var consumer = new ConsumerBuilder<string, ChatEvent>(new ConsumerConfig
        {
            BootstrapServers = kafka, GroupId = "up-test", AutoOffsetReset = AutoOffsetReset.Earliest, IsolationLevel = IsolationLevel.ReadCommitted,
        }).SetValueDeserializer(serdes.ConsumerDeserializer<ChatEvent>()).Build();
        consumer.Subscribe(Topics.ChatEvents);
        // The topologies start alongside the host and join their groups first; allow for that.
        var record = consumer.Consume(TimeSpan.FromSeconds(90));
        Assert.NotNull(record);
        Assert.Equal(1, record.Message.Value.Seq);
        var created = Assert.IsType<ConversationCreated>(record.Message.Value.Payload);
        Assert.Equal(["bob", "alice"], created.Members);
        consumer.Close();
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill")]
    private static extern int Kill(int pid, int signal);
}
