using ChatStreams.Topologies.Tests.Support;
using chatstreams.v1;
using static ChatStreams.Topologies.Tests.FanOut.ChatEventsFor;

namespace ChatStreams.Topologies.Tests.FanOut;

/// <summary>Ciphertext is fanned out like any message: the same opaque bytes to every member's devices, exactly once.</summary>
[Collection(ChatRegistryCollection.Name)]
public sealed class EncryptedFanOutTests(ChatRegistry registry)
{
    [Fact]
    public void Ciphertext_reaches_every_device_once_unchanged_and_offline_members_get_no_text_in_the_notification()
    {
        using var rig = new FanOutRig(registry.Serdes);
        rig.Connect("alice", "alice-phone", "edge-1");
        rig.Connect("bob", "bob-phone", "edge-2");
        rig.Connect("bob", "bob-laptop", "edge-1");
        rig.Pipe(Event("e2e-g", 1, "alice", new ConversationCreated
        {
            Kind = ConversationKind.Group, Members = ["alice", "bob", "carol"], Admins = ["alice"], Encrypted = true,
        }));
        rig.ReadDeliveries();
        var ciphertext = new byte[] { 0x7B, 0x00, 0xFE, 0x42 };

        rig.Pipe(Event("e2e-g", 2, "alice", new MessageSent { MessageId = "m2", Body = "", Ciphertext = ciphertext }));

        var deliveries = rig.ReadDeliveries();
        Assert.Equal([("edge-1", "alice"), ("edge-1", "bob"), ("edge-2", "bob")], deliveries.Select(d => (d.Edge, d.Key)).Order().ToList());
        Assert.All(deliveries, d => Assert.Equal(ciphertext, Assert.IsType<MessageSent>(d.Event!.Payload).Ciphertext));
        var notice = Assert.Single(rig.Notifications.ReadValuesToList());
        Assert.Equal("carol", notice.UserId);
        Assert.Equal("", notice.Preview);
    }
}
