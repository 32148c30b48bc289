using System.Net;
using System.Net.Sockets;

namespace ChatStreams.Host.Tests;

public sealed class FreePortTests
{
    [Fact]
    public void A_picked_port_is_below_the_ephemeral_range_and_can_be_bound()
    {
        var ephemeralStart = int.Parse(File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)[0]);
        for (var i = 0; i < 20; i++)
        {
            var port = FreePort.Pick();
            // Outgoing connections take their local ports from the ephemeral range, so they can never hold this one.
            Assert.InRange(port, 10_000, ephemeralStart - 1);
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
        }
    }
}
