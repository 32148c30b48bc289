using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace ChatStreams.Gateway;

/// <summary>Base URLs of edges, in the one spelling used as YARP destination addresses.</summary>
public static class EdgeAddress
{
    /// <summary>
    /// Accepts an absolute http(s) URL without query, fragment or credentials and returns it without a trailing
    /// slash, so "http://a:1/" and "http://a:1" are the same edge.
    /// </summary>
    public static bool TryNormalize(string? value, [NotNullWhen(true)] out string? normalized)
    {
        normalized = null;
        if (string.IsNullOrWhiteSpace(value)) return false;
        if (!Uri.TryCreate(value.Trim(), UriKind.Absolute, out var uri)) return false;
        if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps) return false;
        if (uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0 || uri.Host.Length == 0) return false;
        normalized = uri.GetLeftPart(UriPartial.Path).TrimEnd('/');
        return true;
    }

    /// <summary>The base URL of an endpoint address (IPv4, IPv6 or host name) and port.</summary>
    public static string FromEndpoint(string scheme, string address, int port)
    {
        var host = IPAddress.TryParse(address, out var ip) && ip.AddressFamily == AddressFamily.InterNetworkV6
            ? $"[{ip}]"
            : address;
        return string.Create(CultureInfo.InvariantCulture, $"{scheme.ToLowerInvariant()}://{host}:{port}");
    }
}
