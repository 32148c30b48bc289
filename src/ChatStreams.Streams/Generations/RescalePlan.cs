namespace ChatStreams.Streams.Generations;

/// <summary>
/// A streams application whose state must move when the topics it reads are rescaled: it runs one instance per
/// generation (<c>TopicGenerations.ApplicationId(BaseApplicationId, g)</c>), reads <see cref="Inputs"/> (base names of
/// the rescaled topics) and keeps <see cref="Stores"/> keyed like them.
/// </summary>
/// <param name="Stores">The stores whose changelogs are re-keyed into the next generation; null: every logged store of
/// the application except the cutover gate's. Stores keyed by something else (user-keyed parts that stay in
/// generation 1) must be left out.</param>
public sealed record RescaledApplication(string BaseApplicationId, IReadOnlyList<string> Inputs, IReadOnlyList<string>? Stores = null);

/// <summary>
/// Topics that get a new generation together (a base topic and its co-partitioned companions, one generation record
/// under <see cref="BaseTopic"/>) and the applications reading them.
/// </summary>
public sealed record RescaleStage(string BaseTopic, IReadOnlyList<string> Companions, IReadOnlyList<RescaledApplication> Readers)
{
    public IReadOnlyList<string> Topics => [BaseTopic, .. Companions];
}

/// <summary>
/// What one rescale moves. <see cref="Source"/> is written by registered producers (the edges: switch reports, then
/// markers written by the procedure) and read by exactly one application. <see cref="Downstream"/>, optional, is
/// written only by that application (generation g of the source writes the downstream generation its record names):
/// its markers are appended once the source's old generation has drained, because from then on nothing writes the
/// downstream's old generation any more.
/// </summary>
public sealed record RescalePlan(RescaleStage Source, RescaleStage? Downstream = null)
{
    /// <summary>One topic read by one application whose every store moves (the shape of the original procedure).</summary>
    public static RescalePlan Single(string baseTopic, string baseApplicationId) =>
        new(new RescaleStage(baseTopic, [], [new RescaledApplication(baseApplicationId, [baseTopic])]));
}
