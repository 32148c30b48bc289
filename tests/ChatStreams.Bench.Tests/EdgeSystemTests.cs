using ChatStreams.Bench.Edge;
using ChatStreams.Bench.Reporting;

namespace ChatStreams.Bench.Tests;

public class EdgeSystemTests
{
    [Fact]
    public void The_up_line_gives_every_endpoint()
    {
        var up = UpAnnouncement.TryParse("ChatStreams is up: http://127.0.0.1:36259 (kafka 127.0.0.1:41413, registry http://127.0.0.1:46631, status http://127.0.0.1:34511)");

        Assert.Equal(new UpAnnouncement("http://127.0.0.1:36259", "127.0.0.1:41413", "http://127.0.0.1:46631", "http://127.0.0.1:34511"), up);
    }

    [Theory]
    [InlineData("08:00:01.000 info: ChatStreams.Host[0] registered 9 schemas")]
    [InlineData("ChatStreams is up: http://127.0.0.1:1")]
    [InlineData("")]
    public void Other_output_of_the_host_is_not_the_up_line(string line)
    {
        Assert.Null(UpAnnouncement.TryParse(line));
    }

    [Fact]
    public void Edges_are_ready_only_when_probed_healthy_and_available()
    {
        const string json = """
            {"healthy":1,"total":3,"destinations":[
              {"id":"a","active":"healthy","passive":"unknown","available":true,"inFlight":0},
              {"id":"b","active":"unknown","passive":"unknown","available":true,"inFlight":0},
              {"id":"c","active":"healthy","passive":"unhealthy","available":false,"inFlight":0}]}
            """;

        var status = GatewayStatus.Parse(json);

        Assert.Equal(new GatewayStatus(Edges: 3, Ready: 1), status);
        Assert.False(status.AllReady);
    }

    [Fact]
    public void All_edges_ready_is_ready_and_no_edge_is_not()
    {
        Assert.True(GatewayStatus.Parse("""{"destinations":[{"active":"healthy","available":true},{"active":"healthy","available":true}]}""").AllReady);
        Assert.False(GatewayStatus.Parse("""{"destinations":[]}""").AllReady);
        Assert.Equal(new GatewayStatus(0, 0), GatewayStatus.Parse("""{"status":"starting"}"""));
    }

    [Fact]
    public void A_proc_stat_line_gives_pid_parent_and_cpu_ticks_even_with_odd_process_names()
    {
        // Fields after the name: state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime …
        var stat = ProcessTreeCpu.Parse("4242 (dotnet (edge) 1) S 4200 4200 4200 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 12 0");

        Assert.Equal(new ProcessTicks(4242, 4200, 300), stat);
        Assert.Null(ProcessTreeCpu.Parse("garbage"));
    }

    [Fact]
    public void A_process_tree_sums_the_root_and_every_descendant_only()
    {
        ProcessTicks[] processes =
        [
            new(1, 0, 1_000), // init: not ours
            new(10, 1, 100),  // chatstreams up
            new(11, 10, 20),  // an edge
            new(12, 10, 30),  // the topologies
            new(13, 12, 5),   // a grandchild
            new(20, 1, 7_000), // another program
        ];

        Assert.Equal(155, ProcessTreeCpu.Sum(processes, rootPid: 10));
        Assert.Equal(0, ProcessTreeCpu.Sum(processes, rootPid: 99));
    }

    [Fact]
    public void This_process_tree_is_readable_from_proc()
    {
        Assert.True(ProcessTreeCpu.Ticks(Environment.ProcessId) >= 0);
    }

    [Fact]
    public void Cpu_splits_the_busy_cores_into_system_clients_and_others()
    {
        // 1,000 ticks of a 2-core machine passed, 800 busy: 200 the clients, 400 the system, 50 kernel threads, 150 others.
        var start = new CpuSnapshot(new CpuSample(BusyTicks: 1_000, TotalTicks: 10_000, ProcessTicks: 100, KernelThreadTicks: 10), SystemTicks: 500);
        var end = new CpuSnapshot(new CpuSample(BusyTicks: 1_800, TotalTicks: 11_000, ProcessTicks: 300, KernelThreadTicks: 60), SystemTicks: 900);

        var cpu = ScenarioCpu.Between(start, end, processors: 2)!;

        Assert.Equal(1.6, cpu.MachineCores, precision: 9);
        Assert.Equal(0.4, cpu.ClientCores, precision: 9);
        Assert.Equal(0.8, cpu.SystemCores!.Value, precision: 9);
        Assert.Equal(0.3, cpu.OtherCores!.Value, precision: 9);
    }

    [Fact]
    public void Without_the_system_s_processes_others_are_unknown_and_without_proc_nothing_is()
    {
        var start = new CpuSnapshot(new CpuSample(1_000, 10_000, 100, 10), SystemTicks: null);
        var end = new CpuSnapshot(new CpuSample(1_800, 11_000, 300, 60), SystemTicks: null);

        Assert.Equal(new ScenarioCpu(1.6, 0.4, null, null), ScenarioCpu.Between(start, end, 2));
        Assert.Null(ScenarioCpu.Between(new CpuSnapshot(null, null), end, 2));
    }
}
