using ChatStreams.TestSupport;
using System.Text.Json;
using System.Text.Json.Nodes;
using Avro;

namespace ChatStreams.Contracts.Tests;

public class SchemaFileTests
{
    public static TheoryData<string> FileNames => new(ContractSchemas.Files.Select(f => f.FileName));

    [Fact]
    public void Every_topic_record_has_a_schema_file()
    {
        string[] expected = ["ChatCommand", "ChatEvent", "Delivery", "Notification", "PresenceChange", "ReceiptUpdate", "SessionEvent"];
        Assert.Equal(expected.Select(name => name + ".avsc"), ContractSchemas.Files.Select(f => f.FileName));
    }

    [Fact]
    public void Embedded_schemas_are_the_files_in_the_schemas_folder()
    {
        var onDisk = Directory.GetFiles(RepositoryPaths.SchemasFolder, "*.avsc")
            .ToDictionary(path => Path.GetFileName(path), File.ReadAllText);
        Assert.Equal(onDisk.Keys.Order(), ContractSchemas.Files.Select(f => f.FileName).Order());
        foreach (var file in ContractSchemas.Files)
            Assert.True(onDisk[file.FileName] == file.Json, $"{file.FileName} differs from schemas/{file.FileName}: rebuild.");
    }

    [Theory]
    [MemberData(nameof(FileNames))]
    public void File_holds_one_record_named_like_the_file_in_the_v1_namespace(string fileName)
    {
        var file = ContractSchemas.Files.Single(f => f.FileName == fileName);
        Assert.Equal(ContractSchemas.Namespace, file.Schema.Namespace);
        Assert.Equal(Path.GetFileNameWithoutExtension(fileName), file.Schema.Name);
    }

    [Theory]
    [MemberData(nameof(FileNames))]
    public void File_lists_its_record_name_as_its_registry_subject(string fileName)
    {
        var file = ContractSchemas.Files.Single(f => f.FileName == fileName);
        Assert.Equal([file.Schema.Fullname], file.Subjects);
    }

    [Theory]
    [MemberData(nameof(FileNames))]
    public void Every_type_and_field_has_a_doc(string fileName)
    {
        var file = ContractSchemas.Files.Single(f => f.FileName == fileName);
        foreach (var named in ContractSchemas.NamedTypesIn(file.Schema))
        {
            Assert.False(string.IsNullOrWhiteSpace(named.Documentation), $"{fileName}: type {named.Fullname} has no doc.");
            if (named is RecordSchema record)
                foreach (var field in record.Fields)
                    Assert.False(string.IsNullOrWhiteSpace(field.Documentation), $"{fileName}: field {record.Name}.{field.Name} has no doc.");
        }
    }

    [Theory]
    [MemberData(nameof(FileNames))]
    public void Optional_fields_default_to_null_and_arrays_that_may_be_empty_default_to_empty(string fileName)
    {
        var file = ContractSchemas.Files.Single(f => f.FileName == fileName);
        foreach (var record in ContractSchemas.NamedTypesIn(file.Schema).OfType<RecordSchema>())
            foreach (var field in record.Fields)
            {
                // An optional field without a default could never be added to an existing schema, and a default of
                // null is only legal when null is the union's first branch.
                if (field.Schema is UnionSchema union && union.Schemas.Any(s => s.Tag == Schema.Type.Null))
                {
                    Assert.True(union.Schemas[0].Tag == Schema.Type.Null, $"{fileName}: {record.Name}.{field.Name} must list null first.");
                    Assert.True(field.DefaultValue is { Type: Newtonsoft.Json.Linq.JTokenType.Null },
                        $"{fileName}: optional field {record.Name}.{field.Name} needs \"default\": null.");
                }
                if (field.DefaultValue is not null && field.Schema is ArraySchema)
                    Assert.Empty((Newtonsoft.Json.Linq.JArray)field.DefaultValue);
            }
    }

    [Fact]
    public void A_type_inlined_in_several_files_is_defined_identically_everywhere()
    {
        var shared = ContractTypes.Definitions.Where(d => d.Value.Count > 1).ToList();
        Assert.NotEmpty(shared); // ChatEvent, ReceiptUpdate and PresenceChange are inlined in Delivery.
        foreach (var (name, definitions) in shared)
        {
            var reference = Normalized(definitions[0].Schema);
            foreach (var (file, schema) in definitions.Skip(1))
                Assert.True(JsonNode.DeepEquals(reference, Normalized(schema)),
                    $"{name} in {file} differs from its definition in {definitions[0].File}; copy the definition exactly.");
        }
    }

    [Fact]
    public void Every_topic_record_is_a_top_level_type_of_its_own_file()
    {
        foreach (var file in ContractSchemas.Files)
            Assert.Same(file.Schema, ContractSchemas.Named(file.Schema.Fullname));
    }

    [Fact]
    public void Asking_for_an_unknown_type_says_what_to_do()
    {
        var error = Assert.Throws<InvalidOperationException>(() => ContractSchemas.Named("chatstreams.v1.Nope"));
        Assert.Contains("schemas/", error.Message);
    }

    // Avro's own JSON of a definition, without the file-level subjects attribute and with every nested
    // named type written out in full (its first appearance inside this definition).
    private static JsonNode Normalized(NamedSchema schema)
    {
        var node = JsonNode.Parse(schema.ToString())!.AsObject();
        node.Remove(ContractSchemas.SubjectsAttribute);
        return node;
    }
}
