using ChatStreams.Contracts;
using ChatStreams.Edge.Frames;
using ChatStreams.Edge.History;
using ChatStreams.Edge.Kafka;
using ChatStreams.Edge.Media;
using ChatStreams.Edge.Typing;
using chatstreams.v1;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChatStreams.Edge.Connections;

/// <summary>
/// What the edge does with each client frame: conversation changes become commands on chat.commands (the sequencer
/// decides; refusals come back as error frames through the delivery topic), typing goes on the typing bus, resume
/// and ping are answered by the connection itself. The user id always comes from the token, never from the frame.
/// </summary>
public sealed class ClientFrameHandler(
    CommandPublisher commands,
    ITypingBus typing,
    IConversationHistory history,
    MediaAttachments media,
    IOptions<EdgeOptions> options,
    TimeProvider clock,
    ILogger<ClientFrameHandler> logger,
    EdgeMetrics? metrics = null)
{
    public ClientFrameParser Parser { get; } = new(options.Value);

    /// <summary>How long a membership miss waits for this edge's history to catch up (another edge may just have added the member).</summary>
    private static readonly TimeSpan CatchUpWait = TimeSpan.FromSeconds(2);

    public async Task HandleAsync(ClientConnection connection, ClientFrame frame)
    {
        switch (frame)
        {
            case PingFrame:
                connection.Send(ServerFrames.Pong);
                break;
            case ResumeFrame resume:
                connection.Enqueue(new OutboundItem.Resume(resume));
                break;
            case TypingFrame t:
                if (!await history.IsMemberAsync(t.ConversationId, connection.UserId, CancellationToken.None)
                    && (!await history.CatchUpAsync(CatchUpWait, CancellationToken.None) || !await history.IsMemberAsync(t.ConversationId, connection.UserId, CancellationToken.None)))
                {
                    connection.Refuse(ErrorCodes.NotMember, $"you are not a member of conversation '{t.ConversationId}'", conversationId: t.ConversationId);
                    break;
                }
                await typing.PublishAsync(new TypingSignal(t.ConversationId, connection.UserId, connection.ConnectionId, t.Started));
                break;
            case SendFrame { Ciphertext: null } plain when EncryptedConversations.IsEncryptedId(plain.ConversationId):
                RefusePlaintext(connection, plain.Id, plain.ConversationId);
                break;
            case EditFrame plainEdit when EncryptedConversations.IsEncryptedId(plainEdit.ConversationId):
                RefusePlaintext(connection, plainEdit.Id, plainEdit.ConversationId);
                break;
            case SendFrame send:
                var attachments = new List<Attachment>();
                if (send.Attachments.Count > 0)
                {
                    IReadOnlyList<Attachment>? resolved;
                    string? problem;
                    try
                    {
                        (resolved, problem) = await media.ResolveAsync(connection.UserId, send.ConversationId, send.Attachments, CancellationToken.None);
                    }
                    catch (Exception e) when (e is System.Data.Common.DbException or MongoDB.Driver.MongoException or Amazon.Runtime.AmazonServiceException
                        or Amazon.Runtime.AmazonClientException or HttpRequestException or IOException or UnauthorizedAccessException or TimeoutException)
                    {
                        // The catalog or the store is away: the socket stays, the client resends with the same id.
                        logger.LogWarning("Attachments of user {User} in {Conversation} could not be checked: {Reason}", connection.UserId, send.ConversationId, e.Message);
                        connection.Refuse(ErrorCodes.Unavailable, "the attachments could not be checked right now and nothing was sent; send it again with the same id",
                            send.Id, send.ConversationId);
                        break;
                    }
                    if (resolved is null)
                    {
                        connection.Refuse(ErrorCodes.InvalidAttachment, problem!, send.Id, send.ConversationId);
                        break;
                    }
                    attachments.AddRange(resolved);
                }
                await PublishAsync(connection, send, send.ConversationId,
                    new SendMessage { Body = send.Body, Attachments = attachments, Ciphertext = send.Ciphertext }, ack: true);
                break;
            case ReceiptFrame receipt:
                await PublishAsync(connection, receipt, receipt.ConversationId, new Receipt
                {
                    Seq = receipt.Seq,
                    Status = receipt.Read ? ReceiptStatus.Read : ReceiptStatus.Delivered,
                }, ack: receipt.Id is not null);
                break;
            case EditFrame edit:
                await PublishAsync(connection, edit, edit.ConversationId, new EditMessage { TargetSeq = edit.Seq, Body = edit.Body }, ack: edit.Id is not null);
                break;
            case DeleteFrame delete:
                await PublishAsync(connection, delete, delete.ConversationId, new DeleteMessage { TargetSeq = delete.Seq }, ack: delete.Id is not null);
                break;
            case ReactFrame react:
                await PublishAsync(connection, react, react.ConversationId, new React
                {
                    TargetSeq = react.Seq,
                    Emoji = react.Emoji,
                    Action = react.Remove ? ReactionAction.Remove : ReactionAction.Add,
                }, ack: react.Id is not null);
                break;
        }
    }

    /// <summary>
    /// Plaintext for an end-to-end encrypted conversation is refused here, before it reaches Kafka or any store: the
    /// id says the conversation is encrypted (the sequencer refuses it too, for conversations whose id it checked).
    /// </summary>
    private static void RefusePlaintext(ClientConnection connection, string? id, string conversationId) =>
        connection.Refuse(RejectionCodes.EncryptionRequired,
            "this conversation is end-to-end encrypted: send the message as \"ciphertext\" (no body, no attachments, no edits); nothing was sent",
            id, conversationId);

    /// <summary>
    /// Queues the command in the order the client sent it, then acks (or reports unavailable) when Kafka answers,
    /// without holding up the next frame.
    /// </summary>
    private async Task PublishAsync(ClientConnection connection, ClientFrame frame, string conversationId, object payload, bool ack)
    {
        var command = new ChatCommand
        {
            CommandId = Guid.NewGuid().ToString(),
            ConversationId = conversationId,
            UserId = connection.UserId,
            DeviceId = connection.DeviceId,
            EdgeId = options.Value.Id,
            ClientMessageId = frame.Id,
            IssuedAt = clock.GetUtcNow().UtcDateTime,
            Payload = payload,
        };
        Task acked;
        var started = clock.GetTimestamp();
        try
        {
            acked = await commands.PublishAsync(command);
        }
        catch (Exception e) when (e is KafkaException or InvalidOperationException or Confluent.SchemaRegistry.SchemaRegistryException or HttpRequestException)
        {
            Unavailable(connection, frame, conversationId, e);
            return;
        }
        _ = acked.ContinueWith(t =>
        {
            if (t.IsCompletedSuccessfully)
            {
                metrics?.Acked(clock.GetElapsedTime(started));
                if (ack) connection.Send(ServerFrames.Ack(frame.Id, conversationId));
            }
            else Unavailable(connection, frame, conversationId, t.Exception?.InnerException);
        }, TaskScheduler.Default);
    }

    private void Unavailable(ClientConnection connection, ClientFrame frame, string conversationId, Exception? error)
    {
        logger.LogWarning("Command of user {User} in {Conversation} not taken by Kafka: {Reason}", connection.UserId, conversationId, error?.Message);
        connection.Refuse(ErrorCodes.Unavailable,
            "the message could not be stored right now and was not sent; send it again with the same id", frame.Id, conversationId);
    }
}
