using Avro;

namespace ChatStreams.SchemaRegistry.Avro;

/// <summary>Short human descriptions of Avro types for error messages ("string", "record 'chat.ChatEvent'", "union [null, string]").</summary>
internal static class SchemaDescription
{
    public static string Describe(Schema schema) => schema switch
    {
        LogicalSchema logical => $"{Describe(logical.BaseSchema)} ({logical.LogicalTypeName})",
        RecordSchema record => $"record '{record.Fullname}'",
        EnumSchema enumSchema => $"enum '{enumSchema.Fullname}'",
        FixedSchema fixedSchema => $"fixed '{fixedSchema.Fullname}' (size {fixedSchema.Size})",
        ArraySchema array => $"array of {Describe(array.ItemSchema)}",
        MapSchema map => $"map of {Describe(map.ValueSchema)}",
        UnionSchema union => $"union [{string.Join(", ", union.Schemas.Select(Describe))}]",
        _ => PrimitiveName(schema.Tag),
    };

    public static string PrimitiveName(Schema.Type tag) => tag switch
    {
        Schema.Type.Null => "null",
        Schema.Type.Boolean => "boolean",
        Schema.Type.Int => "int",
        Schema.Type.Long => "long",
        Schema.Type.Float => "float",
        Schema.Type.Double => "double",
        Schema.Type.Bytes => "bytes",
        Schema.Type.String => "string",
        _ => tag.ToString().ToLowerInvariant(),
    };
}
