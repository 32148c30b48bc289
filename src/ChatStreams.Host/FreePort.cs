using System.Net;
using System.Net.Sockets;

namespace ChatStreams.Host;

/// <summary>A loopback port free right now, for a child process that is told its port on the command line.</summary>
/// <remarks>
/// The port is taken below the kernel's ephemeral range (ip_local_port_range). A port the kernel hands out for
/// "port 0" comes from that range, and until the child binds it — seconds later, after the processes before it started
/// — any outgoing connection (every Kafka client opens several) may get it as its local port: the child then fails
/// with "address already in use" on every restart (seen in CI: the gateway never came up). Below the range only
/// another listener can take it, and the port is checked free when picked.
/// </remarks>
public static class FreePort
{
    private const int LowestPort = 10_000;

    public static int Pick()
    {
        var ephemeralStart = EphemeralRangeStart();
        if (ephemeralStart - LowestPort >= 1_000)
        {
            for (var attempt = 0; attempt < 100; attempt++)
            {
                var port = Random.Shared.Next(LowestPort, ephemeralStart);
                if (IsFree(port)) return port;
            }
        }
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>The first port of the kernel's ephemeral range (32768 on Linux by default; IANA's 49152 elsewhere).</summary>
    private static int EphemeralRangeStart()
    {
        try
        {
            var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            return int.Parse(range[0], System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return 49_152;
        }
    }
}
