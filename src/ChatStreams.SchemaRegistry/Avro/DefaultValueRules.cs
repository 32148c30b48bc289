using System.Numerics;
using Avro;
using Newtonsoft.Json.Linq;

namespace ChatStreams.SchemaRegistry.Avro;

/// <summary>
/// Checks that every field default matches its field's type (Avro spec, "default values").
/// Apache.Avro's parser accepts e.g. "default": "x" on an int field; such a schema would fail only later,
/// when a reader needs the default, so the registry refuses it up front as Confluent does.
/// </summary>
internal static class DefaultValueRules
{
    public static IReadOnlyList<string> FindInvalidDefaults(Schema root)
    {
        var problems = new List<string>();
        var visited = new HashSet<string>(StringComparer.Ordinal);
        Visit(root, problems, visited);
        return problems;
    }

    public static bool IsValid(Schema schema, JToken value)
    {
        switch (schema)
        {
            case LogicalSchema logical:
                return IsValid(logical.BaseSchema, value);
            case UnionSchema union:
                // A union's default belongs to its first branch (Avro spec); readers decode it that way.
                return union.Schemas.Count > 0 && IsValid(union.Schemas[0], value);
            case RecordSchema record:
                return value is JObject obj && record.Fields.All(f =>
                    obj.TryGetValue(f.Name, out var fieldValue) ? IsValid(f.Schema, fieldValue) : f.DefaultValue is not null);
            case EnumSchema enumSchema:
                return value.Type == JTokenType.String && enumSchema.Symbols.Contains(value.Value<string>()!);
            case FixedSchema fixedSchema:
                return value.Type == JTokenType.String && IsByteString(value.Value<string>()!) && value.Value<string>()!.Length == fixedSchema.Size;
            case ArraySchema array:
                return value is JArray items && items.All(i => IsValid(array.ItemSchema, i));
            case MapSchema map:
                return value is JObject entries && entries.Properties().All(p => IsValid(map.ValueSchema, p.Value));
        }

        return schema.Tag switch
        {
            Schema.Type.Null => value.Type == JTokenType.Null,
            Schema.Type.Boolean => value.Type == JTokenType.Boolean,
            Schema.Type.Int => IsIntegerInRange(value, int.MinValue, int.MaxValue),
            Schema.Type.Long => IsIntegerInRange(value, long.MinValue, long.MaxValue),
            Schema.Type.Float or Schema.Type.Double => value.Type is JTokenType.Integer or JTokenType.Float || IsSpecialNumber(value),
            Schema.Type.String => value.Type == JTokenType.String,
            Schema.Type.Bytes => value.Type == JTokenType.String && IsByteString(value.Value<string>()!),
            _ => false,
        };
    }

    private static void Visit(Schema schema, List<string> problems, HashSet<string> visited)
    {
        switch (schema)
        {
            case LogicalSchema logical:
                Visit(logical.BaseSchema, problems, visited);
                break;
            case UnionSchema union:
                foreach (var branch in union.Schemas)
                {
                    Visit(branch, problems, visited);
                }

                break;
            case ArraySchema array:
                Visit(array.ItemSchema, problems, visited);
                break;
            case MapSchema map:
                Visit(map.ValueSchema, problems, visited);
                break;
            case RecordSchema record when visited.Add(record.Fullname):
                foreach (var field in record.Fields)
                {
                    if (field.DefaultValue is { } value && !IsValid(field.Schema, value))
                    {
                        problems.Add(
                            $"the default {value.ToString(Newtonsoft.Json.Formatting.None)} of field '{record.Name}.{field.Name}' " +
                            $"is not a valid {SchemaDescription.Describe(field.Schema)}" +
                            (field.Schema is UnionSchema ? " (a union's default must match the union's first branch)" : ""));
                    }

                    Visit(field.Schema, problems, visited);
                }

                break;
        }
    }

    private static bool IsIntegerInRange(JToken value, BigInteger min, BigInteger max)
    {
        if (value.Type != JTokenType.Integer)
        {
            return false;
        }

        var number = value is JValue { Value: BigInteger big } ? big : new BigInteger(value.Value<long>());
        return number >= min && number <= max;
    }

    private static bool IsSpecialNumber(JToken value) =>
        value.Type == JTokenType.String && value.Value<string>() is "NaN" or "Infinity" or "-Infinity";

    // Avro encodes bytes and fixed defaults as JSON strings whose code points 0-255 are the byte values.
    private static bool IsByteString(string text) => text.All(c => c <= '\u00FF');
}
