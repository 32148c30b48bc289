using ChatStreams.Streams.Serialization;
using ChatStreams.Topologies.FanOut;
using ChatStreams.Topologies.Tests.Support;
using static ChatStreams.Topologies.Tests.FanOut.ChatEventsFor;

namespace ChatStreams.Topologies.Tests.FanOut;

/// <summary>
/// The delivery router decodes a delivery only for the offline path (RoutedDelivery). A delivery on the repartition
/// topic whose bytes hold together but do not decode costs that recipient's notification, not the task.
/// </summary>
[Collection(ChatRegistryCollection.Name)]
public sealed class UndecodableDeliveryFanOutTests(ChatRegistry registry)
{
    [Fact]
    public void An_undecodable_delivery_to_an_offline_user_is_dropped_and_the_next_message_still_notifies()
    {
        using var rig = new FanOutRig(registry.Serdes);
        rig.Connect("alice", "alice-phone", "edge-1");
        rig.Pipe(Direct("d", "alice", "bob"));
        rig.ReadDeliveries();
        rig.Notifications.ReadValuesToList();
        var byUser = rig.Driver.CreateInputTopic(FanOutTopology.DeliveriesByUserTopicName, Serdes.String, Serdes.ByteArray);

        byUser.PipeInput("bob", RoutedDeliverySerdeTests.UndecodableDelivery(new RoutedDeliverySerde(registry.Serdes.Delivery)));

        Assert.True(rig.Notifications.IsEmpty);
        rig.Pipe(Message("d", 2, "alice", "still there?"));
        Assert.Equal(["bob"], rig.Notifications.ReadValuesToList().Select(n => n.UserId).ToList());
        Assert.Equal(["alice"], rig.ReadDeliveries().Where(d => d.Delivery.Seq == 2).Select(d => d.Key).ToList());
    }
}
