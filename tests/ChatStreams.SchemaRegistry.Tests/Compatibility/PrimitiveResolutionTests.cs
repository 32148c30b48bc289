using ChatStreams.SchemaRegistry.Compatibility;

namespace ChatStreams.SchemaRegistry.Tests.Compatibility;

public class PrimitiveResolutionTests
{
    [Theory]
    [InlineData("int", "long")]
    [InlineData("int", "float")]
    [InlineData("int", "double")]
    [InlineData("long", "float")]
    [InlineData("long", "double")]
    [InlineData("float", "double")]
    [InlineData("string", "bytes")]
    [InlineData("bytes", "string")]
    public void Writer_type_is_promoted_to_the_reader_type(string writer, string reader)
    {
        Assert.True(AvroCompatibility.Check($"\"{reader}\"", $"\"{writer}\"").IsCompatible);
        Assert.True(AvroCompatibility.Check(Field(reader), Field(writer)).IsCompatible);
    }

    [Theory]
    [InlineData("long", "int")]
    [InlineData("double", "float")]
    [InlineData("float", "long")]
    [InlineData("double", "long")]
    [InlineData("int", "string")]
    [InlineData("string", "int")]
    [InlineData("boolean", "int")]
    [InlineData("null", "string")]
    [InlineData("bytes", "long")]
    public void Narrowing_or_unrelated_types_are_refused(string writer, string reader)
    {
        var result = AvroCompatibility.Check(Field(reader), Field(writer));
        var problem = Assert.Single(result.Incompatibilities);
        Assert.Equal(IncompatibilityKind.TypeMismatch, problem.Kind);
        Assert.Equal("Holder.value", problem.Path);
        Assert.Contains($"writes {writer}", problem.Message);
        Assert.Contains($"as {reader}", problem.Message);
    }

    [Theory]
    [InlineData("null")]
    [InlineData("boolean")]
    [InlineData("int")]
    [InlineData("long")]
    [InlineData("float")]
    [InlineData("double")]
    [InlineData("bytes")]
    [InlineData("string")]
    public void Same_primitive_is_compatible(string type)
    {
        Assert.True(AvroCompatibility.Check($"\"{type}\"", $"\"{type}\"").IsCompatible);
    }

    [Fact]
    public void Top_level_mismatch_says_top_level()
    {
        var problem = Assert.Single(AvroCompatibility.Check("\"int\"", "\"string\"").Incompatibilities);
        Assert.Equal("", problem.Path);
        Assert.StartsWith("top-level type:", problem.Message);
    }

    [Fact]
    public void Logical_types_resolve_by_their_underlying_type()
    {
        const string timestamp = """{"type":"long","logicalType":"timestamp-millis"}""";
        Assert.True(AvroCompatibility.Check(Field(timestamp, quoted: false), Field("long")).IsCompatible);
        Assert.True(AvroCompatibility.Check(Field("long"), Field(timestamp, quoted: false)).IsCompatible);
        Assert.True(AvroCompatibility.Check(Field("double"), Field("""{"type":"int","logicalType":"date"}""", quoted: false)).IsCompatible);

        var problem = Assert.Single(AvroCompatibility.Check(Field("int"), Field(timestamp, quoted: false)).Incompatibilities);
        Assert.Contains("long (timestamp-millis)", problem.Message);
    }

    private static string Field(string type, bool quoted = true) =>
        $$"""{"type":"record","name":"Holder","fields":[{"name":"value","type":{{(quoted ? $"\"{type}\"" : type)}}}]}""";
}
