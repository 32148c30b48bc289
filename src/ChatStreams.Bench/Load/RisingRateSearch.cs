namespace ChatStreams.Bench.Load;

/// <summary>
/// Finds the highest offered rate a system holds (a step passes when its p99 stays under the limit with nothing lost,
/// duplicated or refused): doubles from <paramref name="startRate"/> until a step fails or <paramref name="maxRate"/> passes,
/// then bisects between the highest pass and the lowest failure, <paramref name="refinements"/> times at most and
/// only while they are more than 10 % apart.
/// </summary>
public sealed class RisingRateSearch(double startRate, double maxRate, int refinements)
{
    private const double CloseEnough = 0.10;
    private readonly List<(double Rate, bool Passed)> _steps = [];
    private int _bisections;

    public IReadOnlyList<(double Rate, bool Passed)> Steps => _steps;

    /// <summary>The highest rate that passed; null while none has.</summary>
    public double? HighestPassed => _steps.Where(s => s.Passed).Select(s => (double?)s.Rate).Max();

    private double? LowestFailed => _steps.Where(s => !s.Passed).Select(s => (double?)s.Rate).Min();

    /// <summary>The rate to run next, or null when the search is done.</summary>
    public double? Next()
    {
        if (_steps.Count == 0) return startRate;
        if (LowestFailed is not { } failed)
        {
            var last = _steps[^1].Rate;
            return last >= maxRate ? null : Math.Min(last * 2, maxRate);
        }
        var passed = HighestPassed ?? 0;
        if (_bisections >= refinements || failed - passed <= CloseEnough * failed) return null;
        _bisections++;
        return Math.Round((passed + failed) / 2);
    }

    /// <summary>Records how the step at <paramref name="rate"/> went.</summary>
    public void Report(double rate, bool passed) => _steps.Add((rate, passed));
}
