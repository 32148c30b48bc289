using ChatStreams.SchemaRegistry.Avro;

namespace ChatStreams.SchemaRegistry.Tests.Compatibility;

public class DefaultValueRulesTests
{
    [Theory]
    [InlineData("\"int\"", "0")]
    [InlineData("\"int\"", "-2147483648")]
    [InlineData("\"long\"", "9223372036854775807")]
    [InlineData("\"float\"", "1.5")]
    [InlineData("\"double\"", "3")]
    [InlineData("\"double\"", "\"NaN\"")]
    [InlineData("\"boolean\"", "true")]
    [InlineData("\"string\"", "\"hi\"")]
    [InlineData("\"bytes\"", "\"\\u00ff\"")]
    [InlineData("[\"null\",\"string\"]", "null")]
    [InlineData("[\"string\",\"null\"]", "\"x\"")]
    [InlineData("{\"type\":\"array\",\"items\":\"int\"}", "[1,2]")]
    [InlineData("{\"type\":\"map\",\"values\":\"long\"}", "{\"a\":1}")]
    [InlineData("{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"A\",\"B\"]}", "\"B\"")]
    [InlineData("{\"type\":\"fixed\",\"name\":\"F\",\"size\":2}", "\"ab\"")]
    [InlineData("{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"},{\"name\":\"b\",\"type\":\"int\",\"default\":1}]}", "{\"a\":1}")]
    [InlineData("{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}", "0")]
    public void Valid_defaults_are_accepted(string type, string defaultJson)
    {
        var parsed = ParsedSchema.Parse(Holder(type, defaultJson));
        Assert.NotNull(parsed.Schema);
    }

    [Theory]
    [InlineData("\"int\"", "\"x\"")]
    [InlineData("\"int\"", "2147483648")]
    [InlineData("\"int\"", "1.5")]
    [InlineData("\"long\"", "true")]
    [InlineData("\"float\"", "\"1.5\"")]
    [InlineData("\"boolean\"", "0")]
    [InlineData("\"string\"", "5")]
    [InlineData("\"string\"", "null")]
    [InlineData("\"bytes\"", "\"\\u0100\"")]
    [InlineData("[\"null\",\"string\"]", "\"x\"")]
    [InlineData("{\"type\":\"array\",\"items\":\"int\"}", "[1,\"two\"]")]
    [InlineData("{\"type\":\"map\",\"values\":\"long\"}", "[1]")]
    [InlineData("{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"A\",\"B\"]}", "\"C\"")]
    [InlineData("{\"type\":\"fixed\",\"name\":\"F\",\"size\":2}", "\"abc\"")]
    [InlineData("{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"int\"}]}", "{}")]
    public void Invalid_defaults_are_refused_with_the_field_named(string type, string defaultJson)
    {
        var error = Assert.Throws<RegistryRejectedException>(() => ParsedSchema.Parse(Holder(type, defaultJson)));
        Assert.Equal(42201, error.ErrorCode);
        Assert.Contains("'Holder.value'", error.Message);
    }

    [Fact]
    public void Defaults_inside_nested_records_are_checked()
    {
        const string schema = """
            {"type":"record","name":"Outer","fields":[{"name":"inner","type":{"type":"record","name":"Inner","fields":[
              {"name":"count","type":"int","default":"many"}]}}]}
            """;
        var error = Assert.Throws<RegistryRejectedException>(() => ParsedSchema.Parse(schema));
        Assert.Contains("'Inner.count'", error.Message);
    }

    [Fact]
    public void Identity_ignores_layout_but_not_meaning()
    {
        var compact = ParsedSchema.Parse("""{"type":"record","name":"R","fields":[{"name":"a","type":"int","default":1}]}""");
        var spaced = ParsedSchema.Parse("""
            {
              "fields": [ { "default": 1, "type": "int", "name": "a" } ],
              "name": "R",
              "type": "record"
            }
            """);
        var otherDefault = ParsedSchema.Parse("""{"type":"record","name":"R","fields":[{"name":"a","type":"int","default":2}]}""");

        Assert.Equal(compact.IdentityKey, spaced.IdentityKey);
        Assert.NotEqual(compact.IdentityKey, otherDefault.IdentityKey);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":\"strng\"}]}")]
    [InlineData("{\"type\":\"enum\",\"name\":\"E\",\"symbols\":[\"A\",\"A\"]}")]
    [InlineData("{\"type\":\"record\",\"name\":\"1R\",\"fields\":[]}")]
    [InlineData("{\"type\":\"nope\"}")]
    [InlineData("{\"type\":\"array\"}")]
    [InlineData("{\"type\":\"record\",\"name\":\"R\",\"fields\":[{\"name\":\"a\",\"type\":{\"type\":\"nope\"}}]}")]
    [InlineData("42")]
    public void Unparseable_schemas_are_refused_with_42201(string text)
    {
        var error = Assert.Throws<RegistryRejectedException>(() => ParsedSchema.Parse(text));
        Assert.Equal(42201, error.ErrorCode);
        Assert.StartsWith("Invalid schema:", error.Message);
    }

    private static string Holder(string type, string defaultJson) =>
        $$"""{"type":"record","name":"Holder","fields":[{"name":"value","type":{{type}},"default":{{defaultJson}}}]}""";
}
