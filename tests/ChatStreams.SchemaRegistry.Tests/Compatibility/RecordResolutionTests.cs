using ChatStreams.SchemaRegistry.Compatibility;
using static ChatStreams.SchemaRegistry.Tests.Support.AvroSchemas;

namespace ChatStreams.SchemaRegistry.Tests.Compatibility;

public class RecordResolutionTests
{
    [Fact]
    public void Identical_records_are_compatible()
    {
        var schema = ChatEvent(Id, Body);
        Assert.True(AvroCompatibility.Check(schema, schema).IsCompatible);
    }

    [Fact]
    public void Reader_field_with_default_missing_from_writer_is_filled_from_the_default()
    {
        var result = AvroCompatibility.Check(reader: ChatEvent(Id, EditedAtWithDefault), writer: ChatEvent(Id));
        Assert.True(result.IsCompatible, result.ToString());
    }

    [Fact]
    public void Reader_field_without_default_missing_from_writer_is_reported_with_its_path()
    {
        var result = AvroCompatibility.Check(reader: ChatEvent(Id, EditedAtNoDefault), writer: ChatEvent(Id));

        var problem = Assert.Single(result.Incompatibilities);
        Assert.Equal(IncompatibilityKind.MissingFieldDefault, problem.Kind);
        Assert.Equal("ChatEvent.editedAt", problem.Path);
        Assert.Equal("reader field 'ChatEvent.editedAt' has no default and is missing from the writer schema", problem.Message);
    }

    [Fact]
    public void Messages_use_the_given_labels()
    {
        var result = AvroCompatibility.Check(global::Avro.Schema.Parse(ChatEvent(Id, EditedAtNoDefault)), global::Avro.Schema.Parse(ChatEvent(Id)),
            new CompatibilityLabels("the new schema", "writer schema version 1"));
        Assert.Equal("reader field 'ChatEvent.editedAt' has no default and is missing from writer schema version 1", Assert.Single(result.Messages));
    }

    [Fact]
    public void Writer_field_unknown_to_reader_is_skipped()
    {
        Assert.True(AvroCompatibility.Check(reader: ChatEvent(Id), writer: ChatEvent(Id, Body, Count)).IsCompatible);
    }

    [Fact]
    public void Every_missing_field_is_reported()
    {
        var result = AvroCompatibility.Check(reader: ChatEvent(Id, Body, Count), writer: ChatEvent(Id));
        Assert.Equal(["ChatEvent.body", "ChatEvent.count"], result.Incompatibilities.Select(i => i.Path));
    }

    [Fact]
    public void Field_type_change_names_the_field_and_both_types()
    {
        var result = AvroCompatibility.Check(reader: ChatEvent(Id, BodyAsInt), writer: ChatEvent(Id, Body));

        var problem = Assert.Single(result.Incompatibilities);
        Assert.Equal(IncompatibilityKind.TypeMismatch, problem.Kind);
        Assert.Equal("ChatEvent.body", problem.Path);
        Assert.Equal("field 'ChatEvent.body': the writer schema writes string, which the reader schema cannot read as int", problem.Message);
    }

    [Fact]
    public void Reader_alias_on_a_field_matches_the_writer_field_of_the_old_name()
    {
        var renamed = ChatEvent(Id, """{"name":"text","aliases":["body"],"type":"string"}""");
        Assert.True(AvroCompatibility.Check(reader: renamed, writer: ChatEvent(Id, Body)).IsCompatible);
    }

    [Fact]
    public void Renamed_field_without_alias_or_default_is_missing()
    {
        var renamed = ChatEvent(Id, """{"name":"text","type":"string"}""");
        var problem = Assert.Single(AvroCompatibility.Check(reader: renamed, writer: ChatEvent(Id, Body)).Incompatibilities);
        Assert.Equal("ChatEvent.text", problem.Path);
    }

    [Fact]
    public void Aliased_field_is_still_checked_for_type()
    {
        var renamed = ChatEvent(Id, """{"name":"text","aliases":["body"],"type":"int"}""");
        var problem = Assert.Single(AvroCompatibility.Check(reader: renamed, writer: ChatEvent(Id, Body)).Incompatibilities);
        Assert.Equal(IncompatibilityKind.TypeMismatch, problem.Kind);
        Assert.Equal("ChatEvent.text", problem.Path);
    }

    [Fact]
    public void Records_with_different_names_do_not_match()
    {
        var result = AvroCompatibility.Check(reader: Record("Message", Id), writer: Record("ChatEvent", Id));
        var problem = Assert.Single(result.Incompatibilities);
        Assert.Equal(IncompatibilityKind.NameMismatch, problem.Kind);
        Assert.Contains("chat.v1.ChatEvent", problem.Message);
    }

    [Fact]
    public void Reader_alias_naming_the_writer_record_full_name_matches()
    {
        var reader = """{"type":"record","name":"Message","namespace":"chat.v1","aliases":["ChatEvent"],"fields":[{"name":"id","type":"string"}]}""";
        Assert.True(AvroCompatibility.Check(reader, Record("ChatEvent", Id)).IsCompatible);
    }

    [Fact]
    public void Reader_alias_in_another_namespace_must_be_fully_qualified()
    {
        var reader = """{"type":"record","name":"Message","namespace":"chat.v2","aliases":["chat.v1.ChatEvent"],"fields":[{"name":"id","type":"string"}]}""";
        Assert.True(AvroCompatibility.Check(reader, Record("ChatEvent", Id)).IsCompatible);

        var unqualified = """{"type":"record","name":"Message","namespace":"chat.v2","aliases":["ChatEvent"],"fields":[{"name":"id","type":"string"}]}""";
        Assert.False(AvroCompatibility.Check(unqualified, Record("ChatEvent", Id)).IsCompatible);
    }

    [Fact]
    public void Same_unqualified_name_in_another_namespace_matches_as_the_specification_says()
    {
        var moved = """{"type":"record","name":"ChatEvent","namespace":"chat.v2","fields":[{"name":"id","type":"string"}]}""";
        Assert.True(AvroCompatibility.Check(moved, Record("ChatEvent", Id)).IsCompatible);
    }

    [Fact]
    public void Nested_record_problems_carry_the_full_field_path()
    {
        static string WithSender(string senderField) => ChatEvent(Id,
            $$$"""{"name":"sender","type":{"type":"record","name":"Sender","fields":[{"name":"userId","type":"string"},{{{senderField}}}]}}""");

        var result = AvroCompatibility.Check(reader: WithSender("""{"name":"device","type":"string"}"""), writer: WithSender("""{"name":"other","type":"int"}"""));

        var problem = Assert.Single(result.Incompatibilities);
        Assert.Equal("ChatEvent.sender.device", problem.Path);
        Assert.Equal(IncompatibilityKind.MissingFieldDefault, problem.Kind);
    }

    [Fact]
    public void Record_cannot_be_read_as_a_primitive()
    {
        var reader = ChatEvent(Id, """{"name":"sender","type":"string"}""");
        var writer = ChatEvent(Id, """{"name":"sender","type":{"type":"record","name":"Sender","fields":[]}}""");
        var problem = Assert.Single(AvroCompatibility.Check(reader, writer).Incompatibilities);
        Assert.Equal(IncompatibilityKind.TypeMismatch, problem.Kind);
        Assert.Contains("record 'chat.v1.Sender'", problem.Message);
    }

    [Fact]
    public void Error_types_resolve_like_records()
    {
        var reader = """{"type":"error","name":"Failure","fields":[{"name":"reason","type":"string"},{"name":"code","type":"int","default":0}]}""";
        var writer = """{"type":"error","name":"Failure","fields":[{"name":"reason","type":"string"}]}""";
        Assert.True(AvroCompatibility.Check(reader, writer).IsCompatible);
    }

    [Fact]
    public void Check_rejects_null_schemas()
    {
        var schema = global::Avro.Schema.Parse(ChatEvent(Id));
        Assert.Throws<ArgumentNullException>(() => AvroCompatibility.Check(null!, schema));
        Assert.Throws<ArgumentNullException>(() => AvroCompatibility.Check(schema, null!));
    }
}
