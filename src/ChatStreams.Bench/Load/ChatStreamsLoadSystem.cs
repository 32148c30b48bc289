using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Net.WebSockets;
using ChatStreams.Bench.Edge;

namespace ChatStreams.Bench.Load;

/// <summary>ChatStreams as `chatstreams up` runs it, driven through its gateway with the client protocol (REST + WebSocket).</summary>
/// <param name="logPath">A file that receives every line `up` prints; null: none.</param>
public sealed class ChatStreamsLoadSystem(string? logPath = null) : ILoadSystem
{
    private ChatUpProcess? _up;
    private ChatRestClient? _api;

    public string Name => "ChatStreams";

    public string Description =>
        "`chatstreams up`: the embedded Kafka broker (a produce is acknowledged after the fsync) and schema registry, the conversation and fan-out " +
        "topologies (exactly-once), 2 edges and the YARP gateway; clients connect through the gateway (the edge a socket lands on is the gateway's choice)." +
        _partitions;

    /// <summary>The chat topics' partition counts as `up` created them (read from its /status once started).</summary>
    private string _partitions = "";

    public IReadOnlyList<int> ProcessIds => _up is null ? [] : [_up.ProcessId];

    private ChatRestClient Api => _api ?? throw new InvalidOperationException("the system is not started");

    public async Task StartAsync(TextWriter progress, CancellationToken ct)
    {
        progress.WriteLine($"ChatStreams: starting `dotnet {Path.GetFileName(ChatUpProcess.HostBinary)} up` …");
        _up = await ChatUpProcess.StartAsync(ct, logPath: logPath);
        _api = new ChatRestClient(_up.Endpoints.GatewayUrl);
        var edges = await ChatSystemReadiness.WaitForEdgesAsync(_api, _up, ct);
        var tag = Guid.NewGuid().ToString("N")[..8];
        var a = await RegisterAsync("ready" + tag + "a", ct);
        var b = await RegisterAsync("ready" + tag + "b", ct);
        await ChatSystemReadiness.WaitForSequencerAsync(_api, _up, a, b, ct);
        _partitions = await PartitionsAsync(_up.Endpoints.StatusUrl, ct);
        progress.WriteLine($"ChatStreams: up at {_up.Endpoints.GatewayUrl}, {edges} edges, the sequencer deciding");
    }

    private static async Task<string> PartitionsAsync(string statusUrl, CancellationToken ct)
    {
        using var http = new HttpClient();
        var status = await http.GetFromJsonAsync<JsonElement>(statusUrl.TrimEnd('/') + "/status", ct);
        var counts = status.GetProperty("topics").EnumerateArray()
            .Where(t => t.GetProperty("name").GetString() is { } name && (name.StartsWith("chat.", StringComparison.Ordinal) || name.StartsWith("delivery.", StringComparison.Ordinal)))
            .Select(t => t.GetProperty("partitions").GetInt32()).Distinct().Order().ToList();
        return counts.Count == 0 ? "" : $" The chat and delivery topics have {string.Join(" or ", counts)} partitions.";
    }

    public Task<BenchAccount> RegisterAsync(string username, CancellationToken ct) => Api.RegisterAsync(username, ct);

    public async Task<string> CreateConversationAsync(BenchAccount creator, IReadOnlyList<BenchAccount> others, CancellationToken ct)
    {
        var (status, id, body) = await Api.CreateConversationAsync(creator, others.Count == 1 ? "direct" : "group", others.Count == 1 ? null : "load", others, ct);
        // 202: the sequencer has not decided within the edge's wait; the id is valid and joining waits for the decision.
        return status is HttpStatusCode.Created or HttpStatusCode.OK or HttpStatusCode.Accepted && id is not null
            ? id
            : throw new InvalidOperationException($"creating a conversation through {Api.GatewayUrl} answered {(int)status}: {body}");
    }

    public async Task<ILoadClient> ConnectAsync(BenchAccount account, int index, Action<Delivery> onDelivery, CancellationToken ct)
    {
        var client = new ChatStreamsLoadClient(Api.GatewayUrl, account, index, onDelivery);
        await client.ResumeAsync(ct);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        _api?.Dispose();
        if (_up is not null) await _up.DisposeAsync();
    }
}

/// <summary>
/// One device's socket that can drop and come back: the new socket resumes with the last seq it holds of each
/// conversation, and every send not acked yet goes again with the same id (the protocol's dedup makes that safe:
/// the same seq, never a second message), as a client does.
/// </summary>
public sealed class ChatStreamsLoadClient(string gatewayUrl, BenchAccount account, int index, Action<Delivery> onDelivery) : ILoadClient
{
    private static readonly TimeSpan JoinTimeout = TimeSpan.FromSeconds(60);
    private readonly Dictionary<string, long> _lastSeq = new(StringComparer.Ordinal);
    private readonly List<ChatSocket> _earlier = [];
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _unacked = new(StringComparer.Ordinal);
    private long _accepted;
    private ChatSocket? _socket;
    private TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private string DeviceId => $"load-{index}";

    public long Accepted => Interlocked.Read(ref _accepted);

    public IReadOnlyList<string> Errors => [.. _earlier.SelectMany(s => s.Errors), .. _socket?.Errors ?? []];

    private void OnMessage(ReceivedMessage message)
    {
        lock (_lastSeq)
            if (!_lastSeq.TryGetValue(message.ConversationId, out var last) || message.Seq > last) _lastSeq[message.ConversationId] = message.Seq;
        onDelivery(new Delivery(index, message.ConversationId, message.Id ?? "", message.SentAt, message.ArrivedAt));
    }

    private void OnAck(ReceivedAck ack)
    {
        if (_unacked.TryRemove(ack.Id, out _)) Interlocked.Increment(ref _accepted);
    }

    public async Task JoinAsync(IReadOnlyList<string> conversationIds, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + JoinTimeout;
        foreach (var id in conversationIds)
        {
            while (_socket is not { } socket || !socket.HasJoined(id))
            {
                if (DateTime.UtcNow > deadline)
                    throw new TimeoutException($"{account.Username}/{DeviceId} did not receive conversation {id}'s first frame within {JoinTimeout.TotalSeconds:0} s");
                await Task.Delay(20, ct);
            }
            // The conversation frame is seq 1: a resume holds at least that.
            lock (_lastSeq) _lastSeq.TryAdd(id, 1);
        }
    }

    public async Task SendAsync(string conversationId, string messageId, string body, CancellationToken ct)
    {
        var frame = System.Text.Json.JsonSerializer.Serialize(new { type = "send", id = messageId, conversationId, body });
        // Ids are unique per client (sender and number), so they key what is still waiting for its ack.
        _unacked[messageId] = frame;
        await _connected.Task.WaitAsync(ct);
        var socket = _socket!;
        try
        {
            await socket.SendTextAsync(frame, ct);
        }
        catch (Exception e) when (e is WebSocketException or ObjectDisposedException or OperationCanceledException && !ct.IsCancellationRequested
                                  && (!ReferenceEquals(socket, _socket) || !_connected.Task.IsCompleted))
        {
            // Dropped under the send: it goes again once resumed, with every other unacked send.
        }
    }

    public void Drop()
    {
        _connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _socket?.Abort();
    }

    public async Task ResumeAsync(CancellationToken ct)
    {
        Dictionary<string, long> cursors;
        lock (_lastSeq) cursors = new Dictionary<string, long>(_lastSeq, StringComparer.Ordinal);
        var socket = await ChatSocket.ConnectAsync(gatewayUrl, account, DeviceId, ct, cursors, OnMessage, OnAck);
        if (_socket is not null) _earlier.Add(_socket);
        _socket = socket;
        // Sent before the drop but not acked: whether the edge got them is unknown, so they go again, in the order they were first sent.
        var pending = _unacked.ToList().OrderBy(p => LoadMessageId.TryParse(p.Key, out _, out var number) ? number : int.MaxValue);
        foreach (var (_, frame) in pending) await socket.SendTextAsync(frame, ct);
        _connected.TrySetResult();
    }

    public async ValueTask DisposeAsync()
    {
        if (_socket is not null) await _socket.DisposeAsync();
        foreach (var socket in _earlier) await socket.DisposeAsync();
    }
}
