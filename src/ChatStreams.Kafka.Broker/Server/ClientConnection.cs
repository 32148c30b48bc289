using System.Buffers;
using System.Buffers.Binary;
using System.Net.Sockets;
using System.Threading.Channels;
using ChatStreams.Kafka.Broker.Protocol;
using Microsoft.Extensions.Logging;

namespace ChatStreams.Kafka.Broker.Server;

/// <summary>
/// One client TCP connection. Requests are processed one at a time in arrival order (as Kafka does), but a
/// handler may defer its response (waiting for durability) so the next request is read meanwhile; responses
/// always leave in request order.
/// </summary>
internal sealed class ClientConnection(Socket socket, RequestRouter router, BrokerOptions options, RequestFaults faults, ILogger logger, string id)
{
    private readonly NetworkStream _stream = new(socket, ownsSocket: true);
    private readonly Channel<Task<ReadOnlyMemory<byte>?>> _responses =
        Channel.CreateBounded<Task<ReadOnlyMemory<byte>?>>(new BoundedChannelOptions(128) { SingleReader = true, SingleWriter = true });

    public async Task RunAsync(CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var writer = Task.Run(() => WriteResponsesAsync(cts.Token), CancellationToken.None);
        try
        {
            await ReadRequestsAsync(cts.Token);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // The client went away or the broker stops: nothing to answer.
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "connection {Connection} closed after an unexpected error", id);
        }
        finally
        {
            _responses.Writer.TryComplete();
            try { await writer.WaitAsync(TimeSpan.FromSeconds(30), CancellationToken.None); } catch { /* closing anyway */ }
            cts.Cancel();
            await _stream.DisposeAsync();
            router.ConnectionClosed(id);
        }
    }

    private async Task ReadRequestsAsync(CancellationToken ct)
    {
        var sizeBuffer = new byte[4];
        while (!ct.IsCancellationRequested)
        {
            if (!await ReadExactlyOrEndAsync(sizeBuffer, ct)) return;
            var size = BinaryPrimitives.ReadInt32BigEndian(sizeBuffer);
            if (size < 8 || size > options.MaxRequestBytes)
            {
                // We cannot even find the correlation id reliably: Kafka closes the connection here too.
                logger.LogWarning("connection {Connection} sent a request of {Size} bytes (limit {Limit}); closing it",
                    id, size, options.MaxRequestBytes);
                return;
            }
            // Request buffers are rented: a produce-heavy client otherwise fills the large-object heap with
            // one-off arrays. Handlers finish with the request bytes before DispatchAsync returns (appends copy
            // into the log; deferred responses only write results), so the buffer goes back right after.
            var body = ArrayPool<byte>.Shared.Rent(size);
            Task<ReadOnlyMemory<byte>?>? response;
            try
            {
                if (!await ReadExactlyOrEndAsync(body.AsMemory(0, size), ct)) return;
                var fault = faults.Roll(id);
                if (fault == RequestFault.DropBefore) return;
                response = await router.DispatchAsync(body, size, socket.RemoteEndPoint, id, ct);
                if (fault == RequestFault.DropAfter)
                {
                    // The request takes full effect (durable, committed) and only its answer is lost.
                    if (response is not null) await response;
                    return;
                }
                if (fault == RequestFault.Delay && response is not null) response = DelayedAsync(response, faults.Delay, ct);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(body);
            }
            if (response is not null) await _responses.Writer.WriteAsync(response, ct);
        }
    }

    private static async Task<ReadOnlyMemory<byte>?> DelayedAsync(Task<ReadOnlyMemory<byte>?> response, TimeSpan delay, CancellationToken ct)
    {
        var frame = await response;
        await Task.Delay(delay, ct);
        return frame;
    }

    private async Task<bool> ReadExactlyOrEndAsync(Memory<byte> buffer, CancellationToken ct)
    {
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await _stream.ReadAsync(buffer[read..], ct);
            if (n == 0) return false;
            read += n;
        }
        return true;
    }

    private async Task WriteResponsesAsync(CancellationToken ct)
    {
        try
        {
            await foreach (var pending in _responses.Reader.ReadAllAsync(ct))
            {
                var frame = await pending;
                if (frame is { } bytes) await _stream.WriteAsync(bytes, ct);
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "connection {Connection}: sending a response failed", id);
        }
        finally
        {
            try { socket.Shutdown(SocketShutdown.Both); } catch { /* already closed */ }
        }
    }
}
