using ChatStreams.Contracts;
using ChatStreams.Edge.History;
using ChatStreams.Edge.Kafka;
using ChatStreams.Identity;
using chatstreams.v1;
using Confluent.Kafka;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace ChatStreams.Edge.Api;

/// <summary>
/// REST calls that change a conversation: the command goes to chat.commands like a socket's, then the call waits
/// for the sequencer's decision (read back from chat.events) so the answer says what happened. A decision slower
/// than the wait gets 202 with the ids to look for.
/// </summary>
public sealed class ConversationCommands(CommandPublisher commands, IConversationHistory history, IOptions<EdgeOptions> options, TimeProvider clock)
{
    public sealed record Decision(ChatEvent? Event, IResult? Problem);

    public async Task<Decision> IssueAsync(string userId, string conversationId, object payload)
    {
        var command = new ChatCommand
        {
            CommandId = Guid.NewGuid().ToString(),
            ConversationId = conversationId,
            UserId = userId,
            DeviceId = "rest",
            EdgeId = options.Value.Id,
            ClientMessageId = null,
            IssuedAt = clock.GetUtcNow().UtcDateTime,
            Payload = payload,
        };
        using var watch = history.WatchDecision(command.CommandId);
        try
        {
            await await commands.PublishAsync(command);
        }
        catch (KafkaException e)
        {
            return new Decision(null, ApiProblems.Problem(StatusCodes.Status503ServiceUnavailable, "unavailable",
                $"the change could not be stored ({e.Error.Reason}); nothing happened, try again"));
        }
        var decided = await watch.WaitAsync(options.Value.DecisionWait, CancellationToken.None);
        if (decided is null) return new Decision(null, null);
        return decided.Payload is CommandRejected rejected
            ? new Decision(decided, Rejection(rejected))
            : new Decision(decided, null);
    }

    /// <summary>The HTTP answer for a sequencer refusal; the code stays the sequencer's.</summary>
    public static IResult Rejection(CommandRejected rejected) => ApiProblems.Problem(rejected.Code switch
    {
        RejectionCodes.NotMember or RejectionCodes.NotAdmin or RejectionCodes.NotAuthor => StatusCodes.Status403Forbidden,
        RejectionCodes.NotFound => StatusCodes.Status404NotFound,
        RejectionCodes.ConversationExists or RejectionCodes.AlreadyMember or RejectionCodes.GroupFull => StatusCodes.Status409Conflict,
        _ => StatusCodes.Status400BadRequest,
    }, rejected.Code, rejected.Reason);
}
