using ChatStreams.Bench.Reporting;

namespace ChatStreams.Bench.Tests;

public class CpuSampleTests
{
    [Fact]
    public void Other_share_is_busy_time_not_spent_by_this_process_or_kernel_threads()
    {
        var start = new CpuSample(BusyTicks: 1_000, TotalTicks: 10_000, ProcessTicks: 100, KernelThreadTicks: 50);
        var end = new CpuSample(BusyTicks: 1_600, TotalTicks: 11_000, ProcessTicks: 400, KernelThreadTicks: 150);

        // 1000 ticks passed, 600 busy: 300 ours, 100 the kernel's threads, so others used 200 / 1000.
        Assert.Equal(0.2, CpuSample.OtherShare(start, end), precision: 9);
    }

    [Fact]
    public void Reads_this_machine_and_counts_its_own_work()
    {
        var start = CpuSample.Take();
        Assert.NotNull(start); // the tests run on Linux, where /proc exists
        var spin = System.Diagnostics.Stopwatch.StartNew();
        while (spin.ElapsedMilliseconds < 100) { } // burn CPU in this process
        var end = CpuSample.Take()!;

        Assert.True(end.ProcessTicks > start.ProcessTicks);
        Assert.True(end.TotalTicks > start.TotalTicks);
        Assert.InRange(CpuSample.OtherShare(start, end), 0, 1);
    }
}
