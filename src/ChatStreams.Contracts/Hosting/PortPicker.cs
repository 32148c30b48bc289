using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace ChatStreams.Contracts.Hosting;

/// <summary>
/// Picks loopback ports in [<paramref name="lowest"/>, <paramref name="highestExclusive"/>) that are free now, that
/// this picker never handed out before and that no other picker sharing <paramref name="reservationFolder"/> reserved
/// within <paramref name="reservationLifetime"/>. <see cref="FreePort"/> says why each rule is there.
/// </summary>
public sealed class PortPicker(int lowest, int highestExclusive, string reservationFolder, TimeSpan reservationLifetime)
{
    private const int RandomAttempts = 200;
    private readonly HashSet<int> _handedOut = [];

    /// <summary>A port, or null when every port of the range is bound, handed out or reserved.</summary>
    public int? TryPick()
    {
        // Random first: pickers starting at the same moment rarely even try the same port.
        for (var attempt = 0; attempt < RandomAttempts; attempt++)
        {
            var port = Random.Shared.Next(lowest, highestExclusive);
            if (IsFree(port) && TryHandOut(port)) return port;
        }
        // A crowded range: walk all of it once, from a random place.
        var size = highestExclusive - lowest;
        var start = Random.Shared.Next(size);
        for (var i = 0; i < size; i++)
        {
            var port = lowest + (start + i) % size;
            if (IsFree(port) && TryHandOut(port)) return port;
        }
        return null;
    }

    private bool TryHandOut(int port)
    {
        lock (_handedOut)
        {
            if (_handedOut.Contains(port) || !Reserve(port)) return false;
            _handedOut.Add(port);
            return true;
        }
    }

    /// <summary>False when another picker reserved the port less than the reservation lifetime ago.</summary>
    private bool Reserve(int port)
    {
        var file = Path.Combine(reservationFolder, port.ToString(CultureInfo.InvariantCulture));
        try
        {
            Directory.CreateDirectory(reservationFolder);
            try
            {
                using (new FileStream(file, FileMode.CreateNew, FileAccess.Write)) { }
                return true;
            }
            catch (IOException) when (File.Exists(file))
            {
                if (DateTime.UtcNow - File.GetLastWriteTimeUtc(file) < reservationLifetime) return false;
                File.SetLastWriteTimeUtc(file, DateTime.UtcNow);
                return true;
            }
        }
        // A folder this user may not write (another user's reservations): the pick stands on the bind check alone.
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return true; }
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
}
