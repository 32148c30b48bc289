using System.Net;
using System.Net.Sockets;

namespace ChatStreams.Host;

/// <summary>A loopback port free right now, for a child process that is told its port on the command line.</summary>
public static class FreePort
{
    public static int Pick()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
