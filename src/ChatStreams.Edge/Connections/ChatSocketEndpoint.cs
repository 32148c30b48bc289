using System.Text.RegularExpressions;
using ChatStreams.Edge.Frames;
using ChatStreams.Edge.History;
using ChatStreams.Edge.Kafka;
using ChatStreams.Identity;
using chatstreams.v1;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChatStreams.Edge.Connections;

/// <summary>
/// GET /ws: authenticates (bearer header or ?access_token=), accepts the socket, announces the session on
/// chat.sessions, sends "ready" and runs the connection; on close it announces the disconnect with its reason.
/// </summary>
public static partial class ChatSocketEndpoint
{
    private static readonly TimeSpan SnapshotCatchUpWait = TimeSpan.FromSeconds(2);

    [GeneratedRegex("^[A-Za-z0-9._:-]{1,64}$")]
    private static partial Regex DeviceIdPattern();

    public static IEndpointConventionBuilder MapChatSocket(this IEndpointRouteBuilder endpoints) =>
        endpoints.Map("/ws", (Delegate)AcceptAsync).RequireAuthorization();

    private static async Task<IResult> AcceptAsync(HttpContext http)
    {
        var services = http.RequestServices;
        var lifecycle = services.GetRequiredService<EdgeLifecycle>();
        if (!http.WebSockets.IsWebSocketRequest)
            return ApiProblems.Problem(StatusCodes.Status400BadRequest, ApiErrorCodes.InvalidRequest, "GET /ws expects a WebSocket upgrade request");
        if (lifecycle.NotServingReason is { } notServing)
            return ApiProblems.Problem(StatusCodes.Status503ServiceUnavailable, "unavailable", notServing);
        var userId = AccessTokens.UserId(http.User);
        if (userId is null)
            return ApiProblems.Problem(StatusCodes.Status401Unauthorized, ApiErrorCodes.Unauthorized, "the token names no user; log in again");
        var deviceId = http.Request.Query["deviceId"].ToString();
        if (deviceId.Length == 0) deviceId = "web-" + Guid.NewGuid().ToString("N")[..12];
        else if (!DeviceIdPattern().IsMatch(deviceId))
            return ApiProblems.Problem(StatusCodes.Status400BadRequest, ApiErrorCodes.InvalidRequest, "deviceId must be 1 to 64 letters, digits, '.', '_', ':' or '-'");

        var options = services.GetRequiredService<IOptions<EdgeOptions>>().Value;
        var sessions = services.GetRequiredService<SessionPublisher>();
        var registry = services.GetRequiredService<ConnectionRegistry>();
        var limits = services.GetRequiredService<UserRateLimits>();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("ChatStreams.Edge.Socket");

        using var socket = await http.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext { KeepAliveInterval = TimeSpan.FromSeconds(15) });
        using var connectionRate = limits.ForConnection();
        var userRate = limits.Join(userId);
        var connection = new ClientConnection(socket, userId, deviceId, options, services.GetRequiredService<IConversationHistory>(),
            connectionRate, userRate, logger, services.GetRequiredService<EdgeMetrics>(), services.GetRequiredService<LiveTailWatch>(),
            services.GetRequiredService<LateResumes>());
        // "ready" is the first frame; then the socket is registered (before the session is announced, so no delivery
        // routed to it can arrive unseen).
        connection.Send(ServerFrames.Ready(userId, deviceId, options.Id, connection.ConnectionId, options));
        registry.Add(connection);
        try
        {
            try
            {
                await sessions.PublishAsync(userId, deviceId, connection.ConnectionId, SessionEventKind.Connect, ct: http.RequestAborted);
            }
            catch (Exception e) when (e is Confluent.Kafka.KafkaException)
            {
                logger.LogWarning("Session of {User} not announced: {Reason}", userId, e.Message);
                connection.Refuse(ErrorCodes.Unavailable, "the chat service is unavailable right now; reconnect in a moment");
                connection.RequestClose(CloseReasons.Error, "session could not be registered");
            }
            // What the contacts' presence is now (one queue item, however many contacts); changes follow. The contacts
            // come from the history store, which trails chat.events by the history sink's batch: a conversation created
            // a moment ago must count, or a contact already online (whose change went out before this socket existed)
            // would show as unknown until their next change. So the store catches up first (bounded, shared reads).
            var history = services.GetRequiredService<IConversationHistory>();
            await history.CatchUpAsync(SnapshotCatchUpWait, http.RequestAborted);
            var snapshot = (await history.ContactsOfAsync(userId, http.RequestAborted)).Select(history.PresenceOf).OfType<PresenceChange>().Select(ServerFrames.Presence).ToList();
            if (snapshot.Count > 0) connection.Enqueue(new OutboundItem.Frames(snapshot));
            if (long.TryParse(http.User.FindFirst("exp")?.Value, out var expires))
                connection.ExpireAt(DateTimeOffset.FromUnixTimeSeconds(expires), services.GetRequiredService<TimeProvider>());
            logger.LogDebug("Connection {Connection}: user {User}, device {Device}.", connection.ConnectionId, userId, deviceId);
            await connection.RunAsync(services.GetRequiredService<ClientFrameHandler>(), http.RequestAborted);
        }
        finally
        {
            registry.Remove(connection);
            limits.Leave(userId);
            services.GetRequiredService<EdgeMetrics>().Disconnected(connection.CloseReason);
            try
            {
                await sessions.PublishAsync(userId, deviceId, connection.ConnectionId, SessionEventKind.Disconnect, connection.CloseReason);
            }
            catch (Exception e) when (e is Confluent.Kafka.KafkaException)
            {
                // The heartbeat stops, so the sessions table drops the connection after the inactivity gap anyway.
                logger.LogWarning("Disconnect of {User} not announced: {Reason}", userId, e.Message);
            }
            logger.LogDebug("Connection {Connection} closed: {Reason}.", connection.ConnectionId, connection.CloseReason);
        }
        return Results.Empty;
    }
}
