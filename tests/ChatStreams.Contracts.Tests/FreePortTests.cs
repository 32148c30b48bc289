using System.Net;
using System.Net.Sockets;
using ChatStreams.Contracts.Hosting;

namespace ChatStreams.Contracts.Tests;

public sealed class FreePortTests : IDisposable
{
    // A range of its own for the pickers under test, so these tests and every other picker on the machine stay apart.
    private const int Lowest = 28_000;
    private const int Size = 40;
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "chatstreams-port-tests-" + Guid.NewGuid().ToString("N"));
    private readonly List<TcpListener> _bound = [];

    [Fact]
    public void A_picked_port_is_below_the_ephemeral_range_and_can_be_bound()
    {
        var ephemeralStart = int.Parse(File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[0]);
        for (var i = 0; i < 20; i++)
        {
            var port = FreePort.Pick();
            // Outgoing connections take their local ports from the ephemeral range, so they can never hold this one.
            Assert.InRange(port, 10_000, ephemeralStart - 1);
            Assert.True(File.Exists(Path.Combine(FreePort.ReservationFolder, port.ToString(System.Globalization.CultureInfo.InvariantCulture))), "the pick is reserved");
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
        }
    }

    [Fact]
    public void A_picker_never_hands_out_a_port_twice_although_none_was_bound()
    {
        var picker = new PortPicker(Lowest, Lowest + Size, _folder, TimeSpan.FromMinutes(30));
        var free = Enumerable.Range(Lowest, Size).Count(IsFree);
        // Every free port of the range once, before any is bound (a system picking for all its components), then none.
        var ports = Enumerable.Range(0, free).Select(_ => picker.TryPick()).ToList();
        Assert.All(ports, p => Assert.NotNull(p));
        Assert.Equal(free, ports.Distinct().Count());
        Assert.Null(picker.TryPick());
    }

    [Fact]
    public void Two_pickers_sharing_reservations_never_pick_the_same_port_and_a_stale_reservation_is_taken_over()
    {
        var lifetime = TimeSpan.FromMinutes(30);
        var first = new PortPicker(Lowest, Lowest + Size, _folder, lifetime);
        var second = new PortPicker(Lowest, Lowest + Size, _folder, lifetime);
        var fromFirst = new List<int>();
        while (first.TryPick() is { } p) fromFirst.Add(p);
        Assert.NotEmpty(fromFirst);
        Assert.Null(second.TryPick());

        // The first picker's reservation of one port grew old (its system stopped long ago): the second may take it.
        var stale = fromFirst[^1];
        File.SetLastWriteTimeUtc(Path.Combine(_folder, stale.ToString(System.Globalization.CultureInfo.InvariantCulture)), DateTime.UtcNow - lifetime - TimeSpan.FromMinutes(1));
        Assert.Equal(stale, second.TryPick());
        Assert.Null(second.TryPick());
    }

    [Fact]
    public void A_bound_port_is_never_picked()
    {
        var picker = new PortPicker(Lowest, Lowest + Size, _folder, TimeSpan.FromMinutes(30));
        var free = Enumerable.Range(Lowest, Size).Where(IsFree).ToList();
        var bound = free[..^1];
        foreach (var port in bound)
        {
            var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            _bound.Add(listener);
        }
        var picked = picker.TryPick();
        Assert.Equal(free[^1], picked);
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException) { return false; }
    }

    public void Dispose()
    {
        foreach (var listener in _bound) listener.Stop();
        try { Directory.Delete(_folder, recursive: true); } catch (IOException) { }
    }
}
