using Microsoft.AspNetCore.SignalR;

namespace ChatStreams.Bench.SignalRBaseline;

/// <summary>
/// The chat hub: a connection joins the SignalR group of each conversation it belongs to, and a send goes to that
/// group through the Redis backplane. Nothing is stored and nothing numbered: a message reaches the connections in
/// the group at that moment, at most once, and one that was away never sees it.
/// </summary>
public sealed class ChatHub(ChatDirectory directory, AccessTokens tokens) : Hub
{
    private const string UserKey = "user";
    private const string JoinedKey = "joined";

    public override async Task OnConnectedAsync()
    {
        // The .NET client sends the token as a header; browsers can only put it in the query string.
        var request = Context.GetHttpContext()?.Request;
        var header = request?.Headers.Authorization.ToString() ?? "";
        var token = header.StartsWith("Bearer ", StringComparison.Ordinal) ? header[7..] : request?.Query["access_token"].ToString();
        if (tokens.Validate(token) is not { } userId)
        {
            Context.Abort();
            return;
        }
        Context.Items[UserKey] = userId;
        Context.Items[JoinedKey] = new HashSet<string>(StringComparer.Ordinal);
        await base.OnConnectedAsync();
    }

    /// <summary>Puts this connection in the conversation's group if the user is a member.</summary>
    public async Task Join(string conversationId)
    {
        var userId = User();
        if (!await directory.IsMemberAsync(conversationId, userId))
            throw new HubException($"you are not a member of conversation '{conversationId}'");
        await Groups.AddToGroupAsync(Context.ConnectionId, conversationId);
        lock (Joined()) Joined().Add(conversationId);
    }

    /// <summary>Sends a message to every connection in the conversation's group (the sender's own included).</summary>
    public async Task Send(string conversationId, string id, string body)
    {
        bool joined;
        lock (Joined()) joined = Joined().Contains(conversationId);
        if (!joined) throw new HubException($"join conversation '{conversationId}' before sending to it");
        await Clients.Group(conversationId).SendAsync("message", conversationId, User(), id, body);
    }

    private string User() => Context.Items[UserKey] as string ?? throw new HubException("unauthorized");

    private HashSet<string> Joined() => Context.Items[JoinedKey] as HashSet<string> ?? throw new HubException("unauthorized");
}
