namespace ChatStreams.Gateway.Tests.Infrastructure;

/// <summary>Polls for a condition with a generous deadline instead of sleeping a fixed time.</summary>
public static class Eventually
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    public static async Task<T> Until<T>(Func<Task<T>> probe, Func<T, bool> done, string what)
    {
        var stopAt = DateTime.UtcNow + Deadline;
        T last;
        while (true)
        {
            last = await probe();
            if (done(last)) return last;
            if (DateTime.UtcNow > stopAt) throw new TimeoutException($"Gave up after {Deadline.TotalSeconds} s waiting for {what}; last value: {Describe(last)}");
            await Task.Delay(50);
        }
    }

    public static Task Until(Func<bool> done, string what) =>
        Until(() => Task.FromResult(done()), ok => ok, what);

    private static string Describe<T>(T value) => value switch
    {
        null => "null",
        System.Collections.IEnumerable items and not string => "[" + string.Join(", ", items.Cast<object?>()) + "]",
        _ => value.ToString() ?? "",
    };
}
