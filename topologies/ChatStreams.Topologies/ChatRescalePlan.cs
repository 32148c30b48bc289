using ChatStreams.Contracts;
using ChatStreams.Kafka.Generations;
using ChatStreams.Streams.Generations;
using ChatStreams.Topologies.Conversation;
using ChatStreams.Topologies.FanOut;
using ChatStreams.Topologies.Presence;

namespace ChatStreams.Topologies;

/// <summary>
/// What `chatctl rescale-partitions` moves: chat.commands (written by the edges, read by the conversation topology,
/// every store of which moves) and, written only by that topology, chat.events with chat.receipts (read by the
/// fan-out and by presence, whose conversation-keyed stores move; their user-keyed parts stay in generation 1).
/// </summary>
public static class ChatRescalePlan
{
    public static RescalePlan Create() => new(
        new RescaleStage(Topics.ChatCommands, [], [new RescaledApplication(ConversationTopology.ApplicationId, [Topics.ChatCommands])]),
        new RescaleStage(Topics.ChatEvents, GenerationFamilies.EventsCompanions,
        [
            new RescaledApplication(FanOutTopology.ApplicationId, [Topics.ChatEvents, Topics.ChatReceipts], FanOutTopology.ConversationKeyedStores),
            new RescaledApplication(PresenceTopology.ApplicationId, [Topics.ChatEvents], PresenceTopology.ConversationKeyedStores),
        ]));
}
