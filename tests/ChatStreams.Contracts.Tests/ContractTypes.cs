using Avro;
using Avro.Specific;

namespace ChatStreams.Contracts.Tests;

/// <summary>What the schemas say the C# side must look like, derived independently of the record classes.</summary>
internal static class ContractTypes
{
    private static readonly System.Reflection.Assembly ContractsAssembly = typeof(ContractSchemas).Assembly;

    /// <summary>Every named type defined in any schema file, once per full name, with every definition of it.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<(string File, NamedSchema Schema)>> Definitions { get; } =
        ContractSchemas.Files
            .SelectMany(file => ContractSchemas.NamedTypesIn(file.Schema).Select(named => (file.FileName, named)))
            .GroupBy(d => d.named.Fullname)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<(string, NamedSchema)>)g.Select(d => (d.FileName, d.named)).ToList());

    public static IEnumerable<RecordSchema> Records => Definitions.Keys.Order().Select(ContractSchemas.Named).OfType<RecordSchema>();

    public static IEnumerable<EnumSchema> Enums => Definitions.Keys.Order().Select(ContractSchemas.Named).OfType<EnumSchema>();

    /// <summary>The C# type Avro's runtime will instantiate for a named schema: the one whose full name is the Avro full name.</summary>
    public static Type ClrTypeOf(NamedSchema schema) =>
        ContractsAssembly.GetType(schema.Fullname)
        ?? throw new Xunit.Sdk.XunitException($"No C# type named {schema.Fullname} in ChatStreams.Contracts.");

    public static string PropertyName(Field field) => char.ToUpperInvariant(field.Name[0]) + field.Name[1..];

    /// <summary>The CLR type Avro's C# code generator maps a schema to.</summary>
    public static Type ExpectedClrType(Schema schema) => schema switch
    {
        LogicalSchema { LogicalTypeName: "timestamp-millis" } => typeof(DateTime),
        LogicalSchema other => throw new NotSupportedException($"Logical type {other.LogicalTypeName} is not mapped by these tests."),
        PrimitiveSchema primitive => primitive.Tag switch
        {
            Schema.Type.String => typeof(string),
            Schema.Type.Long => typeof(long),
            Schema.Type.Int => typeof(int),
            Schema.Type.Boolean => typeof(bool),
            Schema.Type.Double => typeof(double),
            Schema.Type.Float => typeof(float),
            Schema.Type.Bytes => typeof(byte[]),
            _ => throw new NotSupportedException($"Primitive {primitive.Tag} is not mapped by these tests."),
        },
        NamedSchema named => ClrTypeOf(named),
        ArraySchema array => typeof(IList<>).MakeGenericType(ExpectedClrType(array.ItemSchema)),
        MapSchema map => typeof(IDictionary<,>).MakeGenericType(typeof(string), ExpectedClrType(map.ValueSchema)),
        UnionSchema union when NullableBranch(union) is { } branch => ExpectedClrType(branch) is { IsValueType: true } value
            ? typeof(Nullable<>).MakeGenericType(value)
            : ExpectedClrType(branch),
        UnionSchema => typeof(object),
        _ => throw new NotSupportedException($"Schema {schema.Tag} is not mapped by these tests."),
    };

    /// <summary>The non-null branch of a ["null", X] union, else null.</summary>
    public static Schema? NullableBranch(UnionSchema union) =>
        union.Count == 2 && union.Schemas.Count(s => s.Tag == Schema.Type.Null) == 1
            ? union.Schemas.Single(s => s.Tag != Schema.Type.Null)
            : null;

    public static ISpecificRecord NewRecord(RecordSchema schema) => (ISpecificRecord)Activator.CreateInstance(ClrTypeOf(schema))!;
}
