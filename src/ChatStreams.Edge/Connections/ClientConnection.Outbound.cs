using System.Collections.Concurrent;
using System.Net.WebSockets;
using ChatStreams.Edge.Frames;
using ChatStreams.Edge.History;
using chatstreams.v1;
using Microsoft.Extensions.Logging;

namespace ChatStreams.Edge.Connections;

public sealed partial class ClientConnection
{
    /// <summary>Per conversation, the last seq this socket has been sent (written by the pump only; read by the live tail watch). Absent: not followed yet.</summary>
    private readonly ConcurrentDictionary<string, long> _sent = new(StringComparer.Ordinal);
    /// <summary>Per conversation, when (<see cref="Environment.TickCount64"/>) an event of it last arrived live.</summary>
    private readonly ConcurrentDictionary<string, long> _lastLive = new(StringComparer.Ordinal);
    private readonly List<ChatEvent> _held = [];
    private readonly List<OutboundItem.CatchUp> _heldCatchUps = [];
    private bool _holding = true;

    private const int HistoryPageSize = 500;
    private static readonly TimeSpan CursorAheadWait = TimeSpan.FromSeconds(2);

    private async Task PumpAsync(CancellationToken ct)
    {
        await foreach (var item in _outbound.Reader.ReadAllAsync(ct))
        {
            switch (item)
            {
                case OutboundItem.Frame frame:
                    await SendAsync(frame.Bytes, ct);
                    break;
                case OutboundItem.Frames frames:
                    foreach (var bytes in frames.All) await SendAsync(bytes, ct);
                    break;
                case OutboundItem.Event { ChatEvent: var chatEvent } when _holding:
                    _held.Add(chatEvent);
                    if (_held.Count >= _options.SendQueueCapacity) await ReleaseAsync(ct);
                    break;
                case OutboundItem.Event { ChatEvent: var chatEvent }:
                    if (!await DeliverInOrderAsync(chatEvent, ct)) return;
                    break;
                case OutboundItem.Release:
                    if (!await ReleaseAsync(ct)) return;
                    break;
                case OutboundItem.Resume resume:
                    if (!await ResumeAsync(resume.Request, ct)) return;
                    break;
                case OutboundItem.LateResume late:
                    if (!await ResumeLateAsync(late, ct)) return;
                    break;
                case OutboundItem.CatchUp catchUp when _holding:
                    _heldCatchUps.Add(catchUp);
                    break;
                case OutboundItem.CatchUp catchUp:
                    if (!await CatchUpAsync(catchUp, ct)) return;
                    break;
                case OutboundItem.Close close:
                    await SendAsync(ServerFrames.Reconnect(close.Reason, close.Message), ct);
                    Stop(close.Reason, close.Message, close.Status);
                    return;
            }
        }
    }

    private async Task<bool> ReleaseAsync(CancellationToken ct)
    {
        if (!_holding) return true;
        _holding = false;
        foreach (var chatEvent in _held)
            if (!await DeliverInOrderAsync(chatEvent, ct)) return false;
        _held.Clear();
        foreach (var catchUp in _heldCatchUps)
            if (!await CatchUpAsync(catchUp, ct)) return false;
        _heldCatchUps.Clear();
        return true;
    }

    /// <summary>Fills a conversation's missed live tail from history, unless live events got there meanwhile.</summary>
    private async Task<bool> CatchUpAsync(OutboundItem.CatchUp catchUp, CancellationToken ct)
    {
        var last = _sent.TryGetValue(catchUp.ConversationId, out var sent) ? sent : 0;
        if (last >= catchUp.Seq) return true;
        _logger.LogDebug("Connection {Connection} missed {Conversation} ({Last}, {Seq}] live; filling it from history.", ConnectionId, catchUp.ConversationId, last, catchUp.Seq);
        return await FillAsync(catchUp.ConversationId, last, catchUp.Seq, ct);
    }

    public long? SentUpTo(string conversationId) => _sent.TryGetValue(conversationId, out var seq) ? seq : null;

    public long? LastLiveAtMs(string conversationId) => _lastLive.TryGetValue(conversationId, out var at) ? at : null;

    public void CatchUp(string conversationId, long seq) => Enqueue(new OutboundItem.CatchUp(conversationId, seq));

    public bool Closed => _stop.IsCancellationRequested;

    /// <summary>Records what the socket was sent; a conversation seen for the first time is followed from now on.</summary>
    private void MarkSent(string conversationId, long seq)
    {
        if (_sent.TryAdd(conversationId, seq)) _liveTail?.Follow(conversationId, this);
        else _sent[conversationId] = seq;
    }

    /// <summary>
    /// Sends a sequenced event so the socket sees each conversation as 1, 2, 3 …: repeats are dropped, and a hole
    /// before the event (messages sequenced before this socket was known to the fan-out, or before a resume) is
    /// filled from history first. False when the history could not fill it and the connection is closing.
    /// </summary>
    private async Task<bool> DeliverInOrderAsync(ChatEvent chatEvent, CancellationToken ct)
    {
        if (_sent.TryGetValue(chatEvent.ConversationId, out var last))
        {
            if (chatEvent.Seq <= last) return true;
            if (chatEvent.Seq > last + 1 && !await FillAsync(chatEvent.ConversationId, last, chatEvent.Seq - 1, ct)) return false;
        }
        await SendAsync(ServerFrames.Event(chatEvent), ct);
        MarkSent(chatEvent.ConversationId, chatEvent.Seq);
        _lastLive[chatEvent.ConversationId] = Environment.TickCount64;
        return true;
    }

    /// <summary>Sends the events in (after, upTo] this user may read, from history, waiting for it to have them.</summary>
    private async Task<bool> FillAsync(string conversationId, long after, long upTo, CancellationToken ct)
    {
        if (!await _history.WaitForSeqAsync(conversationId, upTo, _options.HistoryWait, ct))
        {
            _logger.LogWarning("History did not reach seq {Seq} of {Conversation} in {Wait}; asking connection {Connection} to resume later.",
                upTo, conversationId, _options.HistoryWait, ConnectionId);
            await SendAsync(ServerFrames.Reconnect(CloseReasons.HistoryUnavailable, "history is behind; reconnect and resume in a moment"), ct);
            Stop(CloseReasons.HistoryUnavailable, "history is behind", WebSocketCloseStatus.EndpointUnavailable);
            return false;
        }
        var next = after;
        while (next < upTo)
        {
            var page = await _history.EventsAsync(conversationId, UserId, next, upTo + 1, HistoryPageSize, false, ct);
            if (page.Count == 0) break;
            foreach (var item in page) await SendAsync(ServerFrames.Event(item.Event), ct);
            next = page[^1].Event.Seq;
        }
        MarkSent(conversationId, upTo);
        return true;
    }

    private async Task<bool> ResumeAsync(ResumeFrame request, CancellationToken ct)
    {
        if (!await WaitForHistoryAsync(ct))
        {
            await SendAsync(ServerFrames.Reconnect(CloseReasons.HistoryUnavailable, "history is still loading; reconnect and resume in a moment"), ct);
            Stop(CloseReasons.HistoryUnavailable, "history is loading", WebSocketCloseStatus.EndpointUnavailable);
            return false;
        }
        // The store trails chat.events by the history sink's batch: messages sent while the device was away may be
        // decided but not stored yet, and with no live delivery coming for them (the socket was unknown to the fan-out)
        // they would stay missing until the conversation's next event. So the gap is read once the store holds
        // everything decided before the resume. The resume waits for that only a moment (CursorAheadWait): past it, it
        // is served from what the store holds, and LateResumes resumes the socket again once the store has caught up.
        var storeCaughtUp = request.Cursors.Count == 0 || await _history.CatchUpAsync(CursorAheadWait, ct);
        var heads = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var (conversationId, cursor) in request.Cursors)
        {
            if (!await _history.HasAccessAsync(conversationId, UserId, ct))
            {
                // A store that is behind may not hold a conversation created a moment ago: the late resume answers it.
                if (storeCaughtUp || _lateResumes is null) await SendNotMemberAsync(conversationId, ct);
                continue;
            }
            if (!await ResumeFromAsync(conversationId, cursor, ct)) return false;
            heads[conversationId] = _sent[conversationId];
        }
        await SendAsync(ServerFrames.Resumed(heads), ct);
        if (!storeCaughtUp) _lateResumes?.Add(this, request.Cursors);
        return true;
    }

    /// <summary>The second half of a resume served while history was behind: each conversation again, without a <c>resumed</c> frame.</summary>
    private async Task<bool> ResumeLateAsync(OutboundItem.LateResume late, CancellationToken ct)
    {
        foreach (var (conversationId, cursor) in late.Cursors)
        {
            if (!await _history.HasAccessAsync(conversationId, UserId, ct)) await SendNotMemberAsync(conversationId, ct);
            else if (!await ResumeFromAsync(conversationId, cursor, ct)) return false;
        }
        return true;
    }

    public void ResumeLate(IReadOnlyDictionary<string, long> cursors) => Enqueue(new OutboundItem.LateResume(cursors));

    private Task SendNotMemberAsync(string conversationId, CancellationToken ct) =>
        SendAsync(ServerFrames.Error(ErrorCodes.NotMember, $"you are not a member of conversation '{conversationId}' (or it does not exist); its cursor was ignored", conversationId: conversationId), ct);

    /// <summary>Sends a conversation's events after the cursor (or after what this socket was sent, if more) up to its head in history.</summary>
    private async Task<bool> ResumeFromAsync(string conversationId, long cursor, CancellationToken ct)
    {
        // A cursor never moves this socket backwards: what it was already sent it keeps.
        var from = _sent.TryGetValue(conversationId, out var sent) ? Math.Max(sent, cursor) : cursor;
        var head = await _history.HeadAsync(conversationId, ct);
        if (from > head && !await _history.WaitForSeqAsync(conversationId, from, CursorAheadWait, ct))
        {
            // Not history lagging behind another edge: the conversation has no such seq. Trusting the cursor
            // would silence the conversation until it got there, so the device gets everything after the head.
            _logger.LogWarning("Connection {Connection} resumed {Conversation} at {Cursor}, beyond its last seq {Head}.", ConnectionId, conversationId, from, head);
            from = head;
        }
        head = await _history.HeadAsync(conversationId, ct);
        if (head > from) return await FillAsync(conversationId, from, head, ct);
        MarkSent(conversationId, from);
        return true;
    }

    private async Task<bool> WaitForHistoryAsync(CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + _options.HistoryWait;
        while (!_history.IsReady)
        {
            if (DateTime.UtcNow > deadline) return false;
            await Task.Delay(50, ct);
        }
        return true;
    }
}
