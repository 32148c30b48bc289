using ChatStreams.Contracts;
using ChatStreams.Topologies.Tests.Support;
using chatstreams.v1;
using static ChatStreams.Topologies.Tests.FanOut.ChatEventsFor;

namespace ChatStreams.Topologies.Tests.FanOut;

/// <summary>Payloads that do not go to every member: command outcomes (the issuing device) and receipts (the member and covered senders).</summary>
[Collection(ChatRegistryCollection.Name)]
public sealed class OutcomeAndReceiptFanOutTests(ChatRegistry registry)
{
    [Fact]
    public void A_rejection_goes_only_to_the_issuing_device_at_its_edge_as_a_command_outcome()
    {
        using var rig = new FanOutRig(registry.Serdes);
        foreach (var user in new[] { "alice", "bob" }) rig.Connect(user, user + "-phone", "edge-1");
        rig.Pipe(Created("g", "alice", ["alice", "bob"]), Message("g", 2, "alice"));
        rig.ReadDeliveries();

        // Mallory is no member and has no session the fan-out knows of: the reply still reaches her device.
        var rejected = Rejected("g", 2, "mallory", "mallory-phone", "edge-7");
        rig.Pipe(rejected);

        var delivery = Assert.Single(rig.ReadDeliveries());
        Assert.Equal(("edge-7", "mallory"), (delivery.Edge, delivery.Key));
        Assert.Equal("mallory", delivery.Delivery.UserId);
        Assert.Equal("mallory-phone", delivery.Delivery.DeviceId);
        Assert.Equal("g", delivery.Delivery.ConversationId);
        Assert.Null(delivery.Delivery.Seq); // the contract keeps Delivery.Seq for carried events
        var outcome = Assert.IsType<CommandOutcome>(delivery.Delivery.Payload);
        Assert.Equal((rejected.CommandId, rejected.ClientMessageId, CommandStatus.Rejected, 2L, RejectionCodes.NotMember, "not allowed here"),
            (outcome.CommandId, outcome.ClientMessageId, outcome.Status, outcome.Seq, outcome.Code, outcome.Reason));
        Assert.True(rig.Notifications.IsEmpty);

        // An outcome takes no position: the next event (seq 3) is no gap and no duplicate.
        rig.Pipe(Message("g", 3, "bob"));
        Assert.Equal(2, rig.ReadDeliveries().Count(d => d.Delivery.Seq == 3));
    }

    [Fact]
    public void A_deduplicated_send_is_re_acked_to_the_issuing_device_with_the_original_seq()
    {
        using var rig = new FanOutRig(registry.Serdes);
        rig.Connect("alice", "alice-phone", "edge-1");
        rig.Connect("alice", "alice-laptop", "edge-2");
        rig.Pipe(Created("g", "alice", ["alice", "bob"]), Message("g", 2, "alice"), Message("g", 3, "bob"));
        rig.ReadDeliveries();
        rig.Notifications.ReadValuesToList(); // bob is offline

        rig.Pipe(Deduplicated("g", 3, "alice", "alice-laptop", "edge-2", originalSeq: 2));

        var delivery = Assert.Single(rig.ReadDeliveries());
        Assert.Equal(("edge-2", "alice", "alice-laptop"), (delivery.Edge, delivery.Key, delivery.Delivery.DeviceId));
        var outcome = Assert.IsType<CommandOutcome>(delivery.Delivery.Payload);
        Assert.Equal((CommandStatus.Duplicate, 2L, (string?)null), (outcome.Status, outcome.Seq, outcome.Code));
        Assert.True(rig.Notifications.IsEmpty);
    }

    [Fact]
    public void An_outcome_without_a_usable_edge_is_dropped()
    {
        using var rig = new FanOutRig(registry.Serdes);
        rig.Connect("alice", "alice-phone", "edge-1");
        rig.Pipe(Created("g", "alice", ["alice"]));
        rig.ReadDeliveries();

        rig.Pipe(Rejected("g", 1, "alice", "alice-phone", edge: null), Rejected("g", 1, "alice", "alice-phone", edge: "no/such edge"));
        Assert.Empty(rig.ReadDeliveries());

        rig.Pipe(Message("g", 2, "alice"));
        Assert.Single(rig.ReadDeliveries());
    }

    [Fact]
    public void A_receipt_update_goes_to_the_member_and_the_covered_senders_who_are_still_members_only()
    {
        using var rig = new FanOutRig(registry.Serdes);
        string[] members = ["alice", "bob", "carol", "dave", "erin"];
        foreach (var user in members) rig.Connect(user, user + "-phone", "edge-1");
        rig.Pipe(
            Created("g", "alice", members),
            Message("g", 2, "alice"),
            Message("g", 3, "bob"),
            Message("g", 4, "erin"),
            Removed("g", 5, "alice", "erin"));
        rig.ReadDeliveries();

        var update = Receipt("g", "carol", 4, 4, "alice", "bob", "erin");
        update.ReadByAllSeq = 1;
        update.DeliveredToAllSeq = 4;
        rig.Pipe(update);

        var deliveries = rig.ReadDeliveries();
        Assert.Equal(["alice", "bob", "carol"], deliveries.Select(d => d.Key).Order().ToList());
        Assert.All(deliveries, d =>
        {
            Assert.Equal("g", d.Delivery.ConversationId);
            Assert.Null(d.Delivery.Seq);
            var receipt = Assert.IsType<ReceiptUpdate>(d.Delivery.Payload);
            Assert.Equal(("carol", 4L, 4L, 1L, 4L), (receipt.UserId, receipt.DeliveredSeq, receipt.ReadSeq, receipt.ReadByAllSeq, receipt.DeliveredToAllSeq));
        });
        Assert.True(rig.Notifications.IsEmpty);
    }

    [Fact]
    public void An_issuers_receipt_rides_on_the_deliveries_of_their_event_to_the_member_and_covered_senders_and_its_chat_receipts_copy_makes_none()
    {
        using var rig = new FanOutRig(registry.Serdes);
        string[] members = ["alice", "bob", "carol", "dave", "erin"];
        foreach (var user in members) rig.Connect(user, user + "-phone", "edge-1");
        rig.Pipe(Created("g", "alice", members), Message("g", 2, "alice"), Message("g", 3, "bob"), Message("g", 4, "erin"));
        rig.ReadDeliveries();

        // carol's message moves her read mark over the messages of alice, bob and erin.
        var sent = Message("g", 5, "carol");
        sent.IssuerReceipt = Receipt("g", "carol", 5, 5, "alice", "bob", "erin");
        sent.IssuerReceipt.CarriedBySeq = 5;
        rig.Pipe(sent);
        rig.Pipe(sent.IssuerReceipt); // the same update on chat.receipts, marked as carried
        var deliveries = rig.ReadDeliveries();
        Assert.All(deliveries, d => Assert.Equal(5, d.Event?.Seq));
        Assert.Equal(["alice", "bob", "carol", "erin"], deliveries.Where(d => d.Delivery.WithIssuerReceipt).Select(d => d.Key).Order().ToList());
        Assert.False(Assert.Single(deliveries, d => d.Key == "dave").Delivery.WithIssuerReceipt);

        // alice removes erin, whose message her mark now covers: the removed member gets the event, not the receipt.
        var removed = Removed("g", 6, "alice", "erin");
        removed.IssuerReceipt = Receipt("g", "alice", 6, 6, "carol", "erin");
        removed.IssuerReceipt.CarriedBySeq = 6;
        rig.Pipe(removed);
        deliveries = rig.ReadDeliveries();
        Assert.Equal(members, deliveries.Select(d => d.Key).Order().ToList());
        Assert.Equal(["alice", "carol"], deliveries.Where(d => d.Delivery.WithIssuerReceipt).Select(d => d.Key).Order().ToList());

        // An event without a receipt marks nobody; an update travelling alone still goes out on its own.
        rig.Pipe(Message("g", 7, "bob"));
        Assert.DoesNotContain(rig.ReadDeliveries(), d => d.Delivery.WithIssuerReceipt);
        rig.Pipe(Receipt("g", "dave", 7, 7, "bob"));
        Assert.Equal(["bob", "dave"], rig.ReadDeliveries().Select(d => d.Key).Order().ToList());
    }

    [Fact]
    public void A_receipt_covering_no_message_goes_to_the_members_own_devices_only_and_offline_recipients_get_no_notification()
    {
        using var rig = new FanOutRig(registry.Serdes);
        rig.Connect("carol", "carol-phone", "edge-1");
        rig.Connect("carol", "carol-laptop", "edge-2");
        rig.Pipe(Created("g", "alice", ["alice", "bob", "carol"]), Message("g", 2, "alice"));
        rig.ReadDeliveries();
        rig.Notifications.ReadValuesToList();

        rig.Pipe(Receipt("g", "carol", 2, 2));
        Assert.Equal([("edge-1", "carol"), ("edge-2", "carol")], rig.ReadDeliveries().Select(d => (d.Edge, d.Key)).Order().ToList());

        rig.Pipe(Receipt("g", "carol", 2, 2, "alice")); // alice is offline: no frame and no push for a receipt
        Assert.Equal(2, rig.ReadDeliveries().Count);
        Assert.True(rig.Notifications.IsEmpty);

        rig.Pipe(Receipt("unknown", "carol", 1, 1, "alice"));
        Assert.Empty(rig.ReadDeliveries());
    }
}
