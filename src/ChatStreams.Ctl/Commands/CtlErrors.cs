using ChatStreams.Ctl.Cluster;

namespace ChatStreams.Ctl.Commands;

/// <summary>The one place cluster commands turn failures into "error: ..." on stderr and exit code 1.</summary>
public static class CtlErrors
{
    public static async Task<int> RunAsync(CtlContext context, Func<Task<int>> action)
    {
        try
        {
            return await action();
        }
        catch (Exception e) when (e is ClusterException or InvalidOperationException or Confluent.Kafka.KafkaException or k8s.Autorest.HttpOperationException or HttpRequestException)
        {
            await context.Error.WriteLineAsync($"error: {Describe(e)}");
            return ChatCtl.Failed;
        }
    }

    private static string Describe(Exception e) => e switch
    {
        Confluent.Kafka.KafkaException k => $"Kafka refused: {k.Error.Reason}",
        k8s.Autorest.HttpOperationException h => $"the Kubernetes API answered {(int)h.Response.StatusCode}: {h.Response.Content}",
        _ => e.Message,
    };
}
