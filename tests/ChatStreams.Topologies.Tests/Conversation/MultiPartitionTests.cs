using System.Text;
using ChatStreams.Contracts;
using ChatStreams.Streams.Runtime;
using ChatStreams.Topologies.Tests.Conversation.Support;
using ChatStreams.Topologies.Tests.Support;
using chatstreams.v1;

namespace ChatStreams.Topologies.Tests.Conversation;

/// <summary>
/// With chat.commands in 4 partitions each conversation lives in one task; the results per conversation are the same
/// as with one partition, and every output of a conversation lands in its key's partition.
/// </summary>
[Collection(ChatRegistryCollection.Name)]
public sealed class MultiPartitionTests(ChatRegistry registry)
{
    private const int Partitions = 4;
    private static readonly ChatUser Alice = new("alice");
    private static readonly ChatUser Bob = new("bob");

    private static readonly string[] ConversationIds = Enumerable.Range(0, 8).Select(i => $"conv-{i}").ToArray();

    private static int PartitionOf(string key) => Murmur2Partitioner.Partition(Encoding.UTF8.GetBytes(key), Partitions);

    [Fact]
    public void Conversations_spread_over_partitions_keep_their_own_gap_free_sequences()
    {
        Assert.True(ConversationIds.Select(PartitionOf).Distinct().Count() > 1, "the test conversations should spread over several partitions");
        using var chat = new ConversationDriver(registry.Serdes, partitions: Partitions);

        foreach (var id in ConversationIds) chat.Pipe(Alice.CreateGroup(id, ["bob"]));
        for (var round = 0; round < 5; round++)
        {
            foreach (var id in ConversationIds)
            {
                var sender = round % 2 == 0 ? Alice : Bob;
                chat.Pipe(sender.Send(id, $"{id} #{round}", clientMessageId: $"{id}-{round}"));
                chat.Pipe(sender.Send(id, "resend", clientMessageId: $"{id}-{round}")); // re-acked, no seq
                chat.Pipe(new ChatUser("mallory").Send(id, "spam")); // refused, no seq
            }
        }

        var records = chat.Events.ReadRecordsToList();
        foreach (var id in ConversationIds)
        {
            var ofConversation = records.Where(r => r.Key == id).ToList();
            Assert.All(ofConversation, r => Assert.Equal(PartitionOf(id), r.Partition));
            Assert.All(ofConversation, r => Assert.Equal(id, r.Value.ConversationId));

            var sequenced = ofConversation.Select(r => r.Value).Where(e => e.Payload is ConversationCreated or MessageSent).ToList();
            Assert.Equal(Enumerable.Range(1, 6).Select(i => (long)i), sequenced.Select(e => e.Seq));
            Assert.Equal(Enumerable.Range(0, 5).Select(round => $"{id} #{round}"), sequenced.Skip(1).Select(e => ((MessageSent)e.Payload).Body));

            var reAcks = ofConversation.Select(r => r.Value.Payload).OfType<CommandDeduplicated>().ToList();
            Assert.Equal(Enumerable.Range(2, 5).Select(i => (long)i), reAcks.Select(d => d.OriginalSeq));
            Assert.Equal(5, ofConversation.Count(r => r.Value.Payload is CommandRejected { Code: RejectionCodes.NotMember }));
        }
        Assert.Equal(ConversationIds.Length * 16, records.Count);
    }

    [Fact]
    public void Receipts_and_membership_work_per_conversation_across_partitions()
    {
        using var chat = new ConversationDriver(registry.Serdes, partitions: Partitions);
        foreach (var id in ConversationIds)
            chat.Given(Alice.CreateGroup(id, ["bob", "carol"]), Alice.Send(id, "hi"), Alice.Remove(id, "carol"));

        foreach (var id in ConversationIds)
        {
            Assert.Empty(chat.Process(Bob.Read(id, 3)));
            var record = Assert.Single(chat.Receipts.ReadRecordsToList());
            Assert.Equal(id, record.Key);
            Assert.Equal(PartitionOf(id), record.Partition);
            Assert.Equal((3L, 3L, 3L), (record.Value.ReadSeq, record.Value.ReadByAllSeq, record.Value.DeliveredToAllSeq)); // alice read 3 by removing carol
            Assert.Equal(["alice"], record.Value.CoveredSenders);

            chat.Single(new ChatUser("carol").Send(id, "back?")).IsRejected(RejectionCodes.NotMember, 0);
            chat.Single(Bob.Send(id, "next")).Is<MessageSent>(4);
            Assert.Equal(id, Assert.Single(chat.Receipts.ReadRecordsToList()).Key); // bob's own read mark
        }
    }
}
