using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace ChatStreams.Streams.Runtime;

/// <summary>
/// The consumer's rebalance callbacks. They run inside Consume/Close on the stream thread itself. With the eager
/// range protocol every rebalance first revokes the whole assignment: the thread finishes its buffered records,
/// commits, and suspends its tasks; the new assignment then resumes the tasks it keeps (no restore) and creates
/// the others. Errors are not thrown through librdkafka: a failed revocation recovers on the spot (the partitions
/// are leaving), a failed assignment is rethrown by the loop after the poll.
/// </summary>
internal sealed partial class StreamThread
{
    private void OnPartitionsAssigned(IConsumer<byte[]?, byte[]?> consumer, List<TopicPartition> partitions)
    {
        _assigned = partitions.ToHashSet();
        _assignmentChanged = true;
        if (State is StreamThreadState.PendingShutdown or StreamThreadState.Dead) return;
        SetState(StreamThreadState.PartitionsAssigned);
        _logger.LogInformation("stream thread {Thread} assigned {Count} partitions: {Partitions}", Name, partitions.Count, string.Join(", ", partitions));
        try
        {
            _tasks.Assign(partitions);
            PublishMetadata(force: true);
        }
        catch (Exception e)
        {
            _handlerFailure = e;
        }
    }

    private void OnPartitionsRevoked(IConsumer<byte[]?, byte[]?> consumer, List<TopicPartitionOffset> partitions)
    {
        _assigned = [];
        _paused = [];
        if (!_tasks.Any && !_producer.TransactionInFlight) return;
        if (State is not (StreamThreadState.PendingShutdown or StreamThreadState.Dead)) SetState(StreamThreadState.PartitionsRevoked);
        try
        {
            // What is buffered was consumed: process it now, or the commit below would skip it (its offset is past).
            ProcessAllBuffered();
            Commit();
            _tasks.SuspendAll();
        }
        catch (Exception e)
        {
            TryRecoverInCallback(e);
        }
        PublishMetadata(force: true);
    }

    private void OnPartitionsLost(IConsumer<byte[]?, byte[]?> consumer, List<TopicPartitionOffset> partitions)
    {
        // The group moved on without us (session timeout, poll interval exceeded): others may own the partitions
        // already, so nothing may be committed. Abort and rebuild from the changelogs on the next assignment.
        _assigned = [];
        _paused = [];
        _logger.LogWarning("stream thread {Thread} lost its partitions (fell out of the group); aborting and closing its tasks", Name);
        if (State is not (StreamThreadState.PendingShutdown or StreamThreadState.Dead)) SetState(StreamThreadState.PartitionsRevoked);
        try
        {
            AbandonTasks(replaceProducer: false);
        }
        catch (Exception e)
        {
            _handlerFailure ??= e;
        }
        PublishMetadata(force: true);
    }

    private void TryRecoverInCallback(Exception e)
    {
        if (IsFatal(e))
        {
            // Stops the thread right after the poll (the dirty shutdown aborts the transaction).
            _handlerFailure = e;
            return;
        }
        try
        {
            Recover(e, rejoin: false);
        }
        catch (Exception fatal)
        {
            // Rethrown by the loop after the poll, where it stops the thread.
            _handlerFailure = fatal;
        }
    }
}
