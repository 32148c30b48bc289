namespace ChatStreams.Contracts.Tests;

public class TopicsTests
{
    [Fact]
    public void Fixed_topic_names_are_the_documented_ones()
    {
        Assert.Equal(
            ["chat.commands", "chat.events", "chat.sessions", "chat.receipts", "chat.presence", "chat.notifications"],
            Topics.Fixed);
    }

    [Theory]
    [InlineData("edge-0")]
    [InlineData("edge_1.eu-west.A")]
    [InlineData("0")]
    public void Delivery_topic_is_the_prefix_plus_the_edge_id(string edgeId)
    {
        var topic = Topics.Delivery(edgeId);
        Assert.Equal("delivery." + edgeId, topic);
        Assert.True(Topics.TryGetDeliveryEdge(topic, out var parsed));
        Assert.Equal(edgeId, parsed);
    }

    [Fact]
    public void The_longest_allowed_edge_id_gives_a_topic_name_of_kafkas_maximum_length()
    {
        var topic = Topics.Delivery(new string('e', Topics.MaxEdgeIdLength));
        Assert.Equal(249, topic.Length);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("edge 0", "characters")]
    [InlineData("edge/0", "characters")]
    [InlineData("edge:0", "characters")]
    [InlineData("\u00e9dge", "characters")]
    [InlineData("edge-0\n", "characters")]
    public void Delivery_refuses_an_edge_id_kafka_cannot_use(string edgeId, string complaint)
    {
        var error = Assert.Throws<ArgumentException>(() => Topics.Delivery(edgeId));
        Assert.Equal("edgeId", error.ParamName);
        Assert.Contains(complaint, error.Message);
        Assert.False(Topics.IsValidEdgeId(edgeId));
    }

    [Fact]
    public void Delivery_refuses_an_edge_id_that_makes_the_topic_name_too_long()
    {
        var error = Assert.Throws<ArgumentException>(() => Topics.Delivery(new string('e', Topics.MaxEdgeIdLength + 1)));
        Assert.Contains("at most 240", error.Message);
    }

    [Fact]
    public void Delivery_refuses_a_null_edge_id()
    {
        Assert.Throws<ArgumentException>(() => Topics.Delivery(null!));
    }

    [Theory]
    [InlineData("chat.events")]
    [InlineData("delivery.")]
    [InlineData("delivery.edge 0")]
    [InlineData("deliveries.edge-0")]
    public void Other_topic_names_are_not_delivery_topics(string topic)
    {
        Assert.False(Topics.TryGetDeliveryEdge(topic, out var edgeId));
        Assert.Equal("", edgeId);
    }
}
