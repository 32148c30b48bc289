using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace ChatStreams.Contracts.Hosting;

/// <summary>A loopback port free right now, for a server that is told its port and binds it a moment later.</summary>
/// <remarks>
/// Three ways such a port got lost between the pick and the bind, each seen in CI:
/// <list type="bullet">
/// <item>A port the kernel hands out for "port 0" comes from the ephemeral range (ip_local_port_range), and any
/// outgoing connection (every Kafka client opens several) may get it as its local port before the server binds it:
/// the gateway then failed "address already in use" on every restart. Ports are taken below that range, where only a
/// listener can hold them.</item>
/// <item>Two picks of one process may coincide (an edge's port and another component's operations port, both picked
/// before either child started: the gateway sent registrations to a server that answered 404). A process never hands
/// out a port twice.</item>
/// <item>Two processes picking at once (test classes run in parallel, each starting a system) may coincide, and a
/// killed child's port is unbound until it restarts. Each pick is reserved for <see cref="ReservationLifetime"/> by an
/// empty file in <see cref="ReservationFolder"/>, which every picker honours.</item>
/// </list>
/// </remarks>
public static class FreePort
{
    private const int LowestPort = 10_000;
    public static readonly TimeSpan ReservationLifetime = TimeSpan.FromMinutes(30);
    public static string ReservationFolder { get; } = Path.Combine(Path.GetTempPath(), "chatstreams-ports");

    private static readonly PortPicker? BelowEphemeralRange = EphemeralRangeStart() is var start && start - LowestPort >= 1_000
        ? new PortPicker(LowestPort, start, ReservationFolder, ReservationLifetime)
        : null;
    private static readonly HashSet<int> KernelPicked = [];

    public static int Pick()
    {
        if (BelowEphemeralRange?.TryPick() is { } port) return port;
        // No room below the ephemeral range (an unusual kernel setting, or all of it taken): the kernel picks, and this
        // process still never hands out a port twice.
        while (true)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var picked = ((IPEndPoint)listener.LocalEndpoint).Port;
            lock (KernelPicked)
                if (KernelPicked.Add(picked)) return picked;
        }
    }

    /// <summary>The first port of the kernel's ephemeral range (32768 on Linux by default; IANA's 49152 elsewhere).</summary>
    private static int EphemeralRangeStart()
    {
        try
        {
            var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            return int.Parse(range[0], CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return 49_152;
        }
    }
}
