using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ChatStreams.EndToEnd.Tests.Support;

/// <summary>One span as an OTLP exporter sent it: ids in hex, the name, and the service.name of the process that made it.</summary>
public sealed record CollectedSpan(string TraceId, string SpanId, string ParentSpanId, string Name, string Service);

/// <summary>
/// A trace collector for the tests: accepts OTLP/HTTP protobuf (POST /v1/traces), as every `up` component exports with
/// Observability__OtlpProtocol=http/protobuf, and keeps the spans. It reads just the fields the tests need from the
/// wire format (ExportTraceServiceRequest → ResourceSpans → resource attributes and ScopeSpans → Span).
/// </summary>
public sealed class OtlpTraceReceiver : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly ConcurrentQueue<CollectedSpan> _spans = new();

    public OtlpTraceReceiver()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        Endpoint = $"http://127.0.0.1:{port}/v1/traces";
        _listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        _listener.Start();
        _ = Task.Run(ServeAsync);
    }

    public string Endpoint { get; }

    public IReadOnlyList<CollectedSpan> Spans => _spans.ToArray();

    private async Task ServeAsync()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try { context = await _listener.GetContextAsync(); }
            catch (Exception) { return; }
            using var body = new MemoryStream();
            await context.Request.InputStream.CopyToAsync(body);
            try
            {
                foreach (var span in Decode(body.ToArray())) _spans.Enqueue(span);
                context.Response.StatusCode = 200;
                context.Response.ContentType = "application/x-protobuf";
            }
            catch (InvalidDataException)
            {
                context.Response.StatusCode = 400;
            }
            context.Response.Close();
        }
    }

    private static IEnumerable<CollectedSpan> Decode(byte[] request)
    {
        foreach (var (field, resourceSpans) in Fields(request))
        {
            if (field != 1) continue;
            var service = "";
            var spans = new List<byte[]>();
            foreach (var (f, value) in Fields(resourceSpans))
            {
                if (f == 1) // Resource: attributes (1) of KeyValue { key 1, value 2: AnyValue { string_value 1 } }
                    foreach (var (a, attribute) in Fields(value))
                    {
                        if (a != 1) continue;
                        var kv = Fields(attribute).ToList();
                        var key = Encoding.UTF8.GetString(kv.FirstOrDefault(x => x.Field == 1).Value ?? []);
                        if (key == "service.name" && kv.FirstOrDefault(x => x.Field == 2).Value is { } any)
                            service = Encoding.UTF8.GetString(Fields(any).FirstOrDefault(x => x.Field == 1).Value ?? []);
                    }
                if (f == 2) // ScopeSpans: spans (2)
                    spans.AddRange(Fields(value).Where(x => x.Field == 2).Select(x => x.Value));
            }
            foreach (var span in spans)
            {
                var parts = Fields(span).GroupBy(x => x.Field).ToDictionary(g => g.Key, g => g.First().Value);
                yield return new CollectedSpan(Hex(parts.GetValueOrDefault(1)), Hex(parts.GetValueOrDefault(2)), Hex(parts.GetValueOrDefault(4)),
                    Encoding.UTF8.GetString(parts.GetValueOrDefault(5) ?? []), service);
            }
        }
    }

    private static string Hex(byte[]? bytes) => bytes is null ? "" : Convert.ToHexStringLower(bytes);

    /// <summary>The length-delimited fields of a protobuf message (varint and fixed fields are skipped).</summary>
    private static IEnumerable<(int Field, byte[] Value)> Fields(byte[] message)
    {
        var i = 0;
        while (i < message.Length)
        {
            var tag = Varint(message, ref i);
            var field = (int)(tag >> 3);
            switch (tag & 7)
            {
                case 0: Varint(message, ref i); break;
                case 1: i += 8; break;
                case 5: i += 4; break;
                case 2:
                    var length = (int)Varint(message, ref i);
                    if (length < 0 || i + length > message.Length) throw new InvalidDataException("truncated field");
                    yield return (field, message[i..(i + length)]);
                    i += length;
                    break;
                default: throw new InvalidDataException($"wire type {tag & 7}");
            }
        }
    }

    private static ulong Varint(byte[] data, ref int i)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (i >= data.Length) throw new InvalidDataException("truncated varint");
            var b = data[i++];
            value |= (ulong)(b & 0x7f) << shift;
            if ((b & 0x80) == 0) return value;
        }
        throw new InvalidDataException("varint too long");
    }

    public void Dispose() => _listener.Close();
}
