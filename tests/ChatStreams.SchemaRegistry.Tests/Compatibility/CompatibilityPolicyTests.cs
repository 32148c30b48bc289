using Avro;
using ChatStreams.SchemaRegistry.Compatibility;
using static ChatStreams.SchemaRegistry.Tests.Support.AvroSchemas;

namespace ChatStreams.SchemaRegistry.Tests.Compatibility;

public class CompatibilityPolicyTests
{
    // v1 writes body as a string; v2 drops body; v3 brings body back as an int with a default.
    // v3 reads v2 data (default fills body) but not v1 data (string cannot be read as int).
    private static readonly EarlierVersion[] History =
    [
        new(1, Schema.Parse(ChatEvent(Id, Body))),
        new(2, Schema.Parse(ChatEvent(Id))),
    ];

    private static readonly Schema V3 = Schema.Parse(ChatEvent(Id, """{"name":"body","type":"int","default":0}"""));

    [Fact]
    public void None_accepts_anything()
    {
        Assert.Empty(CompatibilityPolicy.FindConflicts(CompatibilityLevel.None, Schema.Parse("\"int\""), History));
    }

    [Fact]
    public void First_version_is_always_accepted()
    {
        Assert.Empty(CompatibilityPolicy.FindConflicts(CompatibilityLevel.FullTransitive, V3, []));
    }

    [Fact]
    public void Backward_checks_only_the_latest_version()
    {
        Assert.Empty(CompatibilityPolicy.FindConflicts(CompatibilityLevel.Backward, V3, History));
    }

    [Fact]
    public void Backward_transitive_checks_every_version()
    {
        var conflict = Assert.Single(CompatibilityPolicy.FindConflicts(CompatibilityLevel.BackwardTransitive, V3, History));
        Assert.Equal("field 'ChatEvent.body': writer schema version 1 writes string, which the new schema cannot read as int", conflict);
    }

    [Fact]
    public void Forward_checks_that_the_old_version_reads_the_new_schema()
    {
        // v2 reading data written with a schema lacking "id" has no default for "id".
        var withoutId = Schema.Parse(ChatEvent(Body));
        var conflict = Assert.Single(CompatibilityPolicy.FindConflicts(CompatibilityLevel.Forward, withoutId, History));
        Assert.Equal("version 2 cannot read data written with the new schema: reader field 'ChatEvent.id' has no default and is missing from the new schema", conflict);

        // Adding a field is forward compatible: old readers skip it.
        Assert.Empty(CompatibilityPolicy.FindConflicts(CompatibilityLevel.Forward, Schema.Parse(ChatEvent(Id, Count)), History));
    }

    [Fact]
    public void Forward_transitive_checks_every_version()
    {
        // v1 needs "body" (no default); v3 writes body as an int, which v1 cannot read as string.
        var conflicts = CompatibilityPolicy.FindConflicts(CompatibilityLevel.ForwardTransitive, V3, History);
        Assert.Single(conflicts);
        Assert.StartsWith("version 1 cannot read", conflicts[0]);
        Assert.Empty(CompatibilityPolicy.FindConflicts(CompatibilityLevel.Forward, V3, History));
    }

    [Fact]
    public void Full_checks_both_directions_against_the_latest()
    {
        // Adding a required field: old data cannot fill it (backward fails), old readers skip it (forward passes).
        var conflicts = CompatibilityPolicy.FindConflicts(CompatibilityLevel.Full, Schema.Parse(ChatEvent(Id, Count)), History);
        var conflict = Assert.Single(conflicts);
        Assert.Contains("reader field 'ChatEvent.count' has no default", conflict);

        Assert.Empty(CompatibilityPolicy.FindConflicts(CompatibilityLevel.Full, Schema.Parse(ChatEvent(Id, """{"name":"count","type":"int","default":0}""")), History));
    }

    [Fact]
    public void Full_transitive_checks_both_directions_against_every_version()
    {
        var conflicts = CompatibilityPolicy.FindConflicts(CompatibilityLevel.FullTransitive, V3, History);
        Assert.Equal(2, conflicts.Count);
        Assert.Contains(conflicts, c => c.StartsWith("field 'ChatEvent.body': writer schema version 1", StringComparison.Ordinal));
        Assert.Contains(conflicts, c => c.StartsWith("version 1 cannot read", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("none", CompatibilityLevel.None)]
    [InlineData("BACKWARD", CompatibilityLevel.Backward)]
    [InlineData("backward_transitive", CompatibilityLevel.BackwardTransitive)]
    [InlineData(" FORWARD ", CompatibilityLevel.Forward)]
    [InlineData("FORWARD_TRANSITIVE", CompatibilityLevel.ForwardTransitive)]
    [InlineData("Full", CompatibilityLevel.Full)]
    [InlineData("FULL_TRANSITIVE", CompatibilityLevel.FullTransitive)]
    public void Levels_parse_from_their_confluent_names(string text, CompatibilityLevel expected)
    {
        Assert.Equal(expected, CompatibilityLevels.Parse(text));
        Assert.Equal(expected, CompatibilityLevels.Parse(expected.ToWireName()));
    }

    [Fact]
    public void Unknown_level_is_rejected_with_42203()
    {
        var error = Assert.Throws<RegistryRejectedException>(() => CompatibilityLevels.Parse("SIDEWAYS"));
        Assert.Equal(42203, error.ErrorCode);
        Assert.Equal(422, error.HttpStatus);
        Assert.Contains("BACKWARD_TRANSITIVE", error.Message);
    }
}
