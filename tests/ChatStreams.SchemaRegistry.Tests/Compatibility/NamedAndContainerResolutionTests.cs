using ChatStreams.SchemaRegistry.Compatibility;
using static ChatStreams.SchemaRegistry.Tests.Support.AvroSchemas;

namespace ChatStreams.SchemaRegistry.Tests.Compatibility;

public class NamedAndContainerResolutionTests
{
    [Fact]
    public void Enum_symbol_removed_from_reader_is_refused_and_named()
    {
        var result = AvroCompatibility.Check(reader: ChatEvent(Kind("TEXT", "IMAGE")), writer: ChatEvent(Kind("TEXT", "IMAGE", "VIDEO")));

        var problem = Assert.Single(result.Incompatibilities);
        Assert.Equal(IncompatibilityKind.MissingEnumSymbols, problem.Kind);
        Assert.Equal("ChatEvent.kind", problem.Path);
        Assert.Contains("'VIDEO'", problem.Message);
        Assert.Contains("chat.v1.Kind", problem.Message);
    }

    [Fact]
    public void Enum_symbol_added_to_reader_is_compatible()
    {
        Assert.True(AvroCompatibility.Check(reader: ChatEvent(Kind("TEXT", "IMAGE", "VIDEO")), writer: ChatEvent(Kind("TEXT", "IMAGE"))).IsCompatible);
    }

    [Fact]
    public void Reader_enum_default_absorbs_unknown_writer_symbols()
    {
        var reader = ChatEvent("""{"name":"kind","type":{"type":"enum","name":"Kind","symbols":["UNKNOWN","TEXT"],"default":"UNKNOWN"}}""");
        Assert.True(AvroCompatibility.Check(reader, ChatEvent(Kind("TEXT", "VIDEO", "AUDIO"))).IsCompatible);
    }

    [Fact]
    public void Enum_symbol_order_does_not_matter()
    {
        Assert.True(AvroCompatibility.Check(ChatEvent(Kind("B", "A")), ChatEvent(Kind("A", "B"))).IsCompatible);
    }

    [Fact]
    public void Enums_with_different_names_do_not_match()
    {
        var reader = ChatEvent("""{"name":"kind","type":{"type":"enum","name":"Sort","symbols":["TEXT"]}}""");
        var problem = Assert.Single(AvroCompatibility.Check(reader, ChatEvent(Kind("TEXT"))).Incompatibilities);
        Assert.Equal(IncompatibilityKind.NameMismatch, problem.Kind);
    }

    [Fact]
    public void Enum_alias_matches_renamed_enum()
    {
        var reader = ChatEvent("""{"name":"kind","type":{"type":"enum","name":"Sort","aliases":["Kind"],"symbols":["TEXT"]}}""");
        Assert.True(AvroCompatibility.Check(reader, ChatEvent(Kind("TEXT"))).IsCompatible);
    }

    [Fact]
    public void Array_items_resolve_recursively_with_promotion()
    {
        Assert.True(AvroCompatibility.Check(ChatEvent(Array("long")), ChatEvent(Array("int"))).IsCompatible);

        var problem = Assert.Single(AvroCompatibility.Check(ChatEvent(Array("int")), ChatEvent(Array("string"))).Incompatibilities);
        Assert.Equal("ChatEvent.tags[]", problem.Path);
    }

    [Fact]
    public void Array_of_records_reports_the_item_field()
    {
        static string Attachments(string extra) => ChatEvent(
            $$$$"""{"name":"attachments","type":{"type":"array","items":{"type":"record","name":"Attachment","fields":[{"name":"url","type":"string"}{{{{extra}}}}]}}}""");

        var problem = Assert.Single(AvroCompatibility.Check(Attachments(""",{"name":"size","type":"long"}"""), Attachments("")).Incompatibilities);
        Assert.Equal("ChatEvent.attachments[].size", problem.Path);
    }

    [Fact]
    public void Map_values_resolve_recursively()
    {
        Assert.True(AvroCompatibility.Check(ChatEvent(Map("double")), ChatEvent(Map("float"))).IsCompatible);

        var problem = Assert.Single(AvroCompatibility.Check(ChatEvent(Map("boolean")), ChatEvent(Map("string"))).Incompatibilities);
        Assert.Equal("ChatEvent.meta{}", problem.Path);
    }

    [Fact]
    public void Array_and_map_do_not_match()
    {
        var reader = ChatEvent("""{"name":"tags","type":{"type":"map","values":"string"}}""");
        var problem = Assert.Single(AvroCompatibility.Check(reader, ChatEvent(Array("string"))).Incompatibilities);
        Assert.Equal(IncompatibilityKind.TypeMismatch, problem.Kind);
    }

    [Fact]
    public void Fixed_matches_by_name_and_size()
    {
        Assert.True(AvroCompatibility.Check(ChatEvent(Fixed("Hash", 16)), ChatEvent(Fixed("Hash", 16))).IsCompatible);

        var size = Assert.Single(AvroCompatibility.Check(ChatEvent(Fixed("Hash", 32)), ChatEvent(Fixed("Hash", 16))).Incompatibilities);
        Assert.Equal(IncompatibilityKind.FixedSizeMismatch, size.Kind);
        Assert.Contains("size 16", size.Message);
        Assert.Contains("size 32", size.Message);

        var name = Assert.Single(AvroCompatibility.Check(ChatEvent(Fixed("Digest", 16)), ChatEvent(Fixed("Hash", 16))).Incompatibilities);
        Assert.Equal(IncompatibilityKind.NameMismatch, name.Kind);
    }

    [Fact]
    public void Fixed_is_not_bytes()
    {
        var problem = Assert.Single(AvroCompatibility.Check(ChatEvent("""{"name":"hash","type":"bytes"}"""), ChatEvent(Fixed("Hash", 16))).Incompatibilities);
        Assert.Equal(IncompatibilityKind.TypeMismatch, problem.Kind);
    }

    private static string Array(string items) => $$$"""{"name":"tags","type":{"type":"array","items":"{{{items}}}"}}""";

    private static string Map(string values) => $$$"""{"name":"meta","type":{"type":"map","values":"{{{values}}}"}}""";

    private static string Fixed(string name, int size) => $$$"""{"name":"hash","type":{"type":"fixed","name":"{{{name}}}","size":{{{size}}}}}""";
}
