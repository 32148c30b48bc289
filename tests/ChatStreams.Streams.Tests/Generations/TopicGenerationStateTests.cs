using ChatStreams.Kafka.Generations;

namespace ChatStreams.Streams.Tests.Generations;

/// <summary>The hold/release rule: which generations run and which one producers write, phase by phase.</summary>
public sealed class TopicGenerationStateTests
{
    private static TopicGenerationState At(RescalePhase phase) =>
        new() { Topic = "chat.commands", Generation = 1, Partitions = 12, Phase = phase, TargetPartitions = phase == RescalePhase.Stable ? null : 24 };

    [Theory]
    [InlineData(RescalePhase.Stable, 1, new[] { 1 }, false)]
    [InlineData(RescalePhase.Prepared, 1, new[] { 1, 2 }, true)]
    [InlineData(RescalePhase.Switching, 2, new[] { 1, 2 }, true)]
    [InlineData(RescalePhase.CutOver, 2, new[] { 1, 2 }, true)]
    [InlineData(RescalePhase.Drained, 2, new[] { 1, 2 }, true)]
    [InlineData(RescalePhase.Migrated, 2, new[] { 1, 2 }, false)]
    public void The_next_generation_is_held_until_the_old_state_is_migrated(RescalePhase phase, int writes, int[] running, bool nextHeld)
    {
        var state = At(phase);
        Assert.Equal(writes, state.WriteGeneration);
        Assert.Equal(running, state.RunningGenerations());
        Assert.Equal(nextHeld, state.IsHeld(2));
        Assert.False(state.IsHeld(1)); // the old generation is never held: it must reach its markers
    }

    [Fact]
    public void After_a_rescale_the_retired_generation_keeps_running_to_forward_stray_records()
    {
        var state = new TopicGenerationState { Topic = "chat.commands", Generation = 2, Partitions = 24, RetiredGeneration = 1 };
        Assert.Equal([1, 2], state.RunningGenerations());
        Assert.Equal(2, state.WriteGeneration);
        Assert.False(state.Rescaling);
        Assert.False(state.IsHeld(2));

        // A second rescale holds generation 3 the same way.
        var again = state with { Phase = RescalePhase.CutOver, TargetPartitions = 48 };
        Assert.Equal([1, 2, 3], again.RunningGenerations());
        Assert.Equal(3, again.WriteGeneration);
        Assert.True(again.IsHeld(3));
        Assert.False((again with { Phase = RescalePhase.Migrated }).IsHeld(3));
    }

    [Fact]
    public void The_record_survives_its_json_form()
    {
        var state = At(RescalePhase.CutOver) with
        {
            Markers = new() { [0] = 17, [11] = 4 }, HeldSince = DateTimeOffset.Parse("2026-12-05T18:00:00Z"), Companions = ["chat.receipts"],
            CutoverMarkers = new() { ["chat.commands"] = new() { [0] = 17 } }, OutputGenerations = new() { [2] = 2 },
        };
        var back = TopicGenerationState.FromBytes(state.ToBytes());
        Assert.Equal(state.Markers, back.Markers);
        Assert.Equal(state.Companions, back.Companions);
        Assert.Equal(state.CutoverMarkers["chat.commands"], back.CutoverMarkers["chat.commands"]);
        Assert.Equal(state.OutputGenerations, back.OutputGenerations);
        // Collections compare by reference in a record: the rest must be equal field by field.
        Assert.Equal(state with { Markers = back.Markers, Companions = back.Companions, CutoverMarkers = back.CutoverMarkers, OutputGenerations = back.OutputGenerations }, back);
        Assert.Contains("\"phase\":\"CutOver\"", System.Text.Encoding.UTF8.GetString(state.ToBytes()));
    }

    [Theory]
    [InlineData("chat.commands", 1, "chat.commands")]
    [InlineData("chat.commands", 2, "chat.commands.g2")]
    [InlineData("chatstreams-conversation", 3, "chatstreams-conversation.g3")]
    public void Generation_names(string baseName, int generation, string expected)
    {
        Assert.Equal(expected, TopicGenerations.TopicName(baseName, generation));
        Assert.Equal(expected, TopicGenerations.ApplicationId(baseName, generation));
    }
}
