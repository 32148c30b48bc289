using System.Collections.Concurrent;
using chatstreams.v1;

namespace ChatStreams.Edge.History;

/// <summary>
/// REST calls waiting for the sequencer's decision on their command, by command id. The live feed completes them as
/// chat.events passes by; a watch is registered before the command is produced, so its decision cannot slip past.
/// </summary>
public sealed class DecisionWatches
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<ChatEvent>> _pending = new(StringComparer.Ordinal);

    public DecisionWatch Watch(string commandId)
    {
        var decision = new TaskCompletionSource<ChatEvent>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[commandId] = decision;
        return new DecisionWatch(decision.Task,
            () => _pending.TryRemove(new KeyValuePair<string, TaskCompletionSource<ChatEvent>>(commandId, decision)));
    }

    public void Decided(ChatEvent e)
    {
        if (_pending.TryRemove(e.CommandId, out var decision)) decision.TrySetResult(e);
    }
}
