using ChatStreams.SchemaRegistry.Compatibility;

namespace ChatStreams.SchemaRegistry.Tests.Compatibility;

public class RecursiveTypeTests
{
    private const string Thread = """
        {"type":"record","name":"Reply","fields":[
          {"name":"text","type":"string"},
          {"name":"replies","type":{"type":"array","items":"Reply"}}]}
        """;

    private const string ThreadWithDefaultedField = """
        {"type":"record","name":"Reply","fields":[
          {"name":"text","type":"string"},
          {"name":"likes","type":"int","default":0},
          {"name":"replies","type":{"type":"array","items":"Reply"}}]}
        """;

    private const string ThreadWithRequiredField = """
        {"type":"record","name":"Reply","fields":[
          {"name":"text","type":"string"},
          {"name":"likes","type":"int"},
          {"name":"replies","type":{"type":"array","items":"Reply"}}]}
        """;

    [Fact]
    public void Recursive_type_is_compatible_with_itself()
    {
        Assert.True(AvroCompatibility.Check(Thread, Thread).IsCompatible);
    }

    [Fact]
    public void Evolving_a_recursive_type_with_a_default_is_compatible()
    {
        Assert.True(AvroCompatibility.Check(reader: ThreadWithDefaultedField, writer: Thread).IsCompatible);
        Assert.True(AvroCompatibility.Check(reader: Thread, writer: ThreadWithDefaultedField).IsCompatible);
    }

    [Fact]
    public void Evolving_a_recursive_type_without_default_is_reported_once()
    {
        var problem = Assert.Single(AvroCompatibility.Check(reader: ThreadWithRequiredField, writer: Thread).Incompatibilities);
        Assert.Equal("Reply.likes", problem.Path);
    }

    [Fact]
    public void Mutually_recursive_types_terminate_and_find_deep_problems()
    {
        static string Tree(string leafField) => $$"""
            {"type":"record","name":"Node","fields":[
              {"name":"child","type":["null",{"type":"record","name":"Leaf","fields":[
                 {"name":"parent","type":["null","Node"]}{{leafField}}]}]}]}
            """;

        Assert.True(AvroCompatibility.Check(Tree(""), Tree("")).IsCompatible);

        var problem = Assert.Single(AvroCompatibility.Check(Tree(""",{"name":"weight","type":"double"}"""), Tree("")).Incompatibilities);
        Assert.Equal("Node.child.weight", problem.Path);
    }

    [Fact]
    public void Optional_self_reference_in_a_linked_list_is_compatible_with_promotion()
    {
        const string writer = """{"type":"record","name":"Link","fields":[{"name":"value","type":"int"},{"name":"next","type":["null","Link"]}]}""";
        const string reader = """{"type":"record","name":"Link","fields":[{"name":"value","type":"long"},{"name":"next","type":["null","Link"]}]}""";
        Assert.True(AvroCompatibility.Check(reader, writer).IsCompatible);
        Assert.False(AvroCompatibility.Check(writer, reader).IsCompatible);
    }
}
