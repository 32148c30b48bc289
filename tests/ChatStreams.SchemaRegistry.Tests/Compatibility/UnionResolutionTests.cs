using ChatStreams.SchemaRegistry.Compatibility;
using static ChatStreams.SchemaRegistry.Tests.Support.AvroSchemas;

namespace ChatStreams.SchemaRegistry.Tests.Compatibility;

public class UnionResolutionTests
{
    [Fact]
    public void Writer_union_contained_in_reader_union_is_compatible()
    {
        Assert.True(AvroCompatibility.Check(Field("""["null","string","int"]"""), Field("""["null","string"]""")).IsCompatible);
    }

    [Fact]
    public void Union_branch_order_does_not_matter()
    {
        Assert.True(AvroCompatibility.Check(Field("""["string","null"]"""), Field("""["null","string"]""")).IsCompatible);
    }

    [Fact]
    public void Writer_union_branch_missing_from_reader_union_is_refused()
    {
        var problem = Assert.Single(AvroCompatibility.Check(Field("""["null","string"]"""), Field("""["null","string","boolean"]""")).Incompatibilities);
        Assert.Equal(IncompatibilityKind.MissingUnionBranch, problem.Kind);
        Assert.Equal("Holder.value", problem.Path);
        Assert.Contains("writes boolean", problem.Message);
    }

    [Fact]
    public void Writer_union_branch_may_be_promoted_into_a_reader_branch()
    {
        Assert.True(AvroCompatibility.Check(Field("""["null","long"]"""), Field("""["null","int"]""")).IsCompatible);
    }

    [Fact]
    public void Non_union_writer_must_match_a_reader_branch()
    {
        Assert.True(AvroCompatibility.Check(Field("""["null","string"]"""), Field("\"string\"")).IsCompatible);
        Assert.True(AvroCompatibility.Check(Field("""["null","double"]"""), Field("\"int\"")).IsCompatible);

        var problem = Assert.Single(AvroCompatibility.Check(Field("""["null","string"]"""), Field("\"int\"")).Incompatibilities);
        Assert.Equal(IncompatibilityKind.MissingUnionBranch, problem.Kind);
    }

    [Fact]
    public void Union_writer_against_non_union_reader_needs_every_branch_readable()
    {
        var problem = Assert.Single(AvroCompatibility.Check(Field("\"string\""), Field("""["null","string"]""")).Incompatibilities);
        Assert.Equal(IncompatibilityKind.TypeMismatch, problem.Kind);
        Assert.Contains("writes null (one branch of its union [null, string])", problem.Message);

        Assert.True(AvroCompatibility.Check(Field("\"long\""), Field("""["int","long"]""")).IsCompatible);
    }

    [Fact]
    public void Making_a_field_optional_is_backward_compatible_but_not_forward()
    {
        Assert.True(AvroCompatibility.Check(reader: Field("""["null","string"]"""), writer: Field("\"string\"")).IsCompatible);
        Assert.False(AvroCompatibility.Check(reader: Field("\"string\""), writer: Field("""["null","string"]""")).IsCompatible);
    }

    [Fact]
    public void Record_inside_reader_union_reports_the_nested_reason()
    {
        static string OptionalSender(string fields) => ChatEvent(
            $$"""{"name":"sender","type":["null",{"type":"record","name":"Sender","fields":[{{fields}}]}],"default":null}""");

        var result = AvroCompatibility.Check(
            reader: OptionalSender("""{"name":"userId","type":"string"},{"name":"deviceId","type":"string"}"""),
            writer: OptionalSender("""{"name":"userId","type":"string"}"""));

        var problem = Assert.Single(result.Incompatibilities);
        Assert.Equal(IncompatibilityKind.MissingFieldDefault, problem.Kind);
        Assert.Equal("ChatEvent.sender.deviceId", problem.Path);
    }

    [Fact]
    public void Reader_union_picks_a_later_branch_when_the_first_cannot_read()
    {
        var reader = Field("""["null",{"type":"record","name":"A","fields":[{"name":"x","type":"int"}]},{"type":"record","name":"B","fields":[{"name":"y","type":"int"}]}]""");
        var writer = Field("""{"type":"record","name":"B","fields":[{"name":"y","type":"int"},{"name":"z","type":"string"}]}""");
        Assert.True(AvroCompatibility.Check(reader, writer).IsCompatible);
    }

    [Fact]
    public void Top_level_unions_resolve_like_fields()
    {
        Assert.True(AvroCompatibility.Check("""["null","string","long"]""", """["long","null"]""").IsCompatible);
        Assert.False(AvroCompatibility.Check("""["null","string"]""", """["long","null"]""").IsCompatible);
    }

    private static string Field(string type) => $$"""{"type":"record","name":"Holder","fields":[{"name":"value","type":{{type}}}]}""";
}
