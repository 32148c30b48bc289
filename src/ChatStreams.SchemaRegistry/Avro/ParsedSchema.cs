using Avro;

namespace ChatStreams.SchemaRegistry.Avro;

/// <summary>
/// An Avro schema as the registry keeps it: the text as first submitted, the parsed form used for
/// compatibility checks, and an identity key that ignores formatting so identical schemas share one id.
/// </summary>
internal sealed class ParsedSchema
{
    private ParsedSchema(string text, Schema schema, string identityKey)
    {
        Text = text;
        Schema = schema;
        IdentityKey = identityKey;
    }

    public string Text { get; }

    public Schema Schema { get; }

    /// <summary>
    /// Apache.Avro's re-serialisation of the parsed schema: fixed attribute order, no whitespace, docs, defaults,
    /// aliases and custom attributes kept. Two submissions are "the same schema" exactly when these are equal.
    /// </summary>
    public string IdentityKey { get; }

    /// <summary>Parses and validates an Avro schema; throws 42201 with the parser's message when it is not valid.</summary>
    public static ParsedSchema Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw RegistryRejectedException.InvalidSchema("the schema is empty; send the Avro schema JSON as the 'schema' string.");
        }

        Schema? schema;
        string identityKey;
        try
        {
            schema = Schema.Parse(text);
            // Apache.Avro returns null for some unknown type names (e.g. {"type":"nope"}) instead of throwing.
            if (schema is null)
            {
                throw RegistryRejectedException.InvalidSchema("the schema does not name a known Avro type (check the \"type\" attributes).");
            }

            identityKey = schema.ToString();
        }
        catch (RegistryRejectedException)
        {
            throw;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The parser signals bad input with many exception types (SchemaParseException, AvroTypeException,
            // JsonReaderException, ArgumentNullException, ...): all of them mean the submitted text is not a valid schema.
            throw RegistryRejectedException.InvalidSchema($"{e.Message} (the 'schema' string must be valid Avro schema JSON)");
        }

        var badDefaults = DefaultValueRules.FindInvalidDefaults(schema);
        if (badDefaults.Count > 0)
        {
            throw RegistryRejectedException.InvalidSchema(string.Join("; ", badDefaults));
        }

        return new ParsedSchema(text.Trim(), schema, identityKey);
    }
}
