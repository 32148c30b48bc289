using Confluent.Kafka;
using Confluent.Kafka.Admin;

namespace ChatStreams.Kafka;

/// <summary>
/// Asks a broker call again, until a deadline, when the connection broke under it or the broker was briefly unable to
/// answer. librdkafka retries produce and fetch requests itself, but a metadata, watermark or admin call fails at once
/// with Local_Transport when its connection drops (a broker restart, or the fault campaign's request faults), and a
/// process that gave up on the first such answer exited at start (a topology instance joining during a chaos run did).
/// Only transient, non-fatal errors are retried; anything else (a bad configuration, a refused topic) throws at once.
/// </summary>
public static class BrokerCallRetry
{
    private static readonly TimeSpan Pause = TimeSpan.FromMilliseconds(200);

    /// <summary>
    /// Errors that say "ask again" rather than "this cannot work": a broken or timed-out connection, and a partition or
    /// coordinator the cluster does not know yet (a topic created a moment ago: Kafka's own retriable errors).
    /// Local_DestroyBroker is a call whose broker connection librdkafka tore down under it (the broker went away and came
    /// back while the call waited: a topology instance starting during a broker restart exited on it).
    /// </summary>
    public static bool IsTransient(Error error) => !error.IsFatal && error.Code is
        ErrorCode.Local_Transport or ErrorCode.Local_Destroy or ErrorCode.Local_DestroyBroker or ErrorCode.Local_TimedOut or ErrorCode.Local_AllBrokersDown
        or ErrorCode.Local_UnknownPartition or ErrorCode.RequestTimedOut or ErrorCode.NetworkException
        or ErrorCode.UnknownTopicOrPart or ErrorCode.LeaderNotAvailable or ErrorCode.NotLeaderForPartition
        or ErrorCode.NotController or ErrorCode.BrokerNotAvailable or ErrorCode.NotCoordinatorForGroup
        or ErrorCode.GroupLoadInProgress or ErrorCode.GroupCoordinatorNotAvailable;

    /// <summary>Runs <paramref name="call"/> (given the time left) until it succeeds, fails for good or the deadline passes.</summary>
    public static T Until<T>(TimeSpan timeout, Func<TimeSpan, T> call)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                return call(CallTimeout(deadline));
            }
            catch (KafkaException e) when (IsTransient(e.Error) && DateTime.UtcNow + Pause < deadline)
            {
                Thread.Sleep(Pause);
            }
        }
    }

    /// <summary>The time left until <paramref name="deadline"/>, but at least a second: a last attempt still gets to ask.</summary>
    private static TimeSpan CallTimeout(DateTime deadline)
    {
        var left = deadline - DateTime.UtcNow;
        return left > MinimumCallTimeout ? left : MinimumCallTimeout;
    }

    private static readonly TimeSpan MinimumCallTimeout = TimeSpan.FromSeconds(1);

    /// <summary>The cluster's metadata, asked again while the connection breaks under the request.</summary>
    public static Metadata GetMetadataRetrying(this IAdminClient admin, TimeSpan timeout) =>
        Until(timeout, left => admin.GetMetadata(left));

    /// <summary>One topic's metadata, asked again while the connection breaks under the request.</summary>
    public static Metadata GetMetadataRetrying(this IAdminClient admin, string topic, TimeSpan timeout) =>
        Until(timeout, left => admin.GetMetadata(topic, left));

    /// <summary>
    /// Creates topics, asking again for those whose answer was lost or timed out. A topic that already exists counts as
    /// created: another process may be creating it, or an earlier attempt did and its answer never arrived. Any other
    /// refusal throws with every topic's reason.
    /// </summary>
    public static async Task CreateTopicsRetryingAsync(this IAdminClient admin, IReadOnlyCollection<TopicSpecification> topics, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var pending = topics.ToList();
        while (pending.Count > 0)
        {
            var options = new CreateTopicsOptions { RequestTimeout = CallTimeout(deadline) };
            try
            {
                await admin.CreateTopicsAsync(pending, options);
                return;
            }
            catch (CreateTopicsException e)
            {
                var refused = e.Results.Where(r => r.Error.Code is not (ErrorCode.NoError or ErrorCode.TopicAlreadyExists) && !IsTransient(r.Error)).ToList();
                var transient = e.Results.Where(r => IsTransient(r.Error)).ToList();
                if (refused.Count > 0 || (transient.Count > 0 && DateTime.UtcNow + Pause >= deadline))
                    throw new InvalidOperationException("could not create topics: " +
                        string.Join("; ", refused.Concat(transient).Select(r => $"{r.Topic}: {r.Error.Reason}")), e);
                var again = transient.Select(r => r.Topic).ToHashSet();
                pending = pending.Where(t => again.Contains(t.Name)).ToList();
            }
            catch (KafkaException e) when (IsTransient(e.Error) && DateTime.UtcNow + Pause < deadline)
            {
                // The whole request failed (no per-topic results): ask for all of them again.
            }
            if (pending.Count > 0) await Task.Delay(Pause);
        }
    }
}
