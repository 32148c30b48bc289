using System.Net;
using ChatStreams.Kafka.Broker.Server;
using ChatStreams.Kafka.Broker.Protocol;

namespace ChatStreams.Kafka.Broker.Handlers.Groups;

/// <summary>What the group handlers share: answering now or when a rebalance completes, and the client's host.</summary>
internal static class GroupResponses
{
    /// <summary>
    /// Writes the answer at once when <paramref name="pending"/> is done; otherwise defers the response body so
    /// the connection keeps reading (Kafka parks JoinGroup/SyncGroup the same way). A broker shutdown cancels
    /// the wait instead of holding the connection open.
    /// </summary>
    public static void Respond<T>(RequestContext context, KafkaWriter response, Task<T> pending, Action<KafkaWriter, T> write,
        CancellationToken cancellationToken)
    {
        if (pending.IsCompletedSuccessfully)
        {
            write(response, pending.Result);
            return;
        }
        context.Defer(async w => write(w, await pending.WaitAsync(cancellationToken)));
    }

    /// <summary>The client's address as Kafka reports it in DescribeGroups ("/127.0.0.1").</summary>
    public static string ClientHost(RequestContext context) =>
        context.Client is IPEndPoint ip ? "/" + ip.Address : "";
}
