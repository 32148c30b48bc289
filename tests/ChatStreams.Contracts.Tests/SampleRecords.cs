using System.Collections;
using Avro;
using Avro.Specific;

namespace ChatStreams.Contracts.Tests;

/// <summary>Builds record instances from their schemas: every field set, through the records' own Put.</summary>
internal sealed class SampleRecords
{
    private static readonly DateTime Epoch = new(2025, 3, 1, 12, 0, 0, DateTimeKind.Utc);
    private readonly bool minimal;
    private readonly int variant;
    private int counter;

    /// <param name="variant">Which branch multi-type unions take (variant modulo branch count).</param>
    /// <param name="minimal">Optional fields null and arrays empty, instead of every field filled.</param>
    public SampleRecords(int variant, bool minimal)
    {
        this.variant = variant;
        this.minimal = minimal;
    }

    /// <summary>How many variants it takes to use every branch of every union reachable from a schema.</summary>
    public static int VariantsFor(Schema schema) =>
        Math.Max(1, ContractSchemas.NamedTypesIn(schema).OfType<RecordSchema>()
            .SelectMany(record => record.Fields)
            .Select(field => field.Schema is UnionSchema union ? union.Schemas.Count(s => s.Tag != Schema.Type.Null) : 1)
            .DefaultIfEmpty(1)
            .Max());

    public ISpecificRecord Record(RecordSchema schema)
    {
        var record = ContractTypes.NewRecord(schema);
        foreach (var field in schema.Fields) record.Put(field.Pos, Value(field.Schema));
        return record;
    }

    public object? Value(Schema schema)
    {
        counter++;
        switch (schema)
        {
            case LogicalSchema { LogicalTypeName: "timestamp-millis" }:
                return Epoch.AddMilliseconds(counter * 1_001L);
            case PrimitiveSchema primitive:
                return primitive.Tag switch
                {
                    Schema.Type.String => $"value-{counter}-\u00e9\u2603",
                    Schema.Type.Long => 10_000_000_000L + counter,
                    Schema.Type.Int => counter,
                    Schema.Type.Boolean => counter % 2 == 0,
                    Schema.Type.Bytes => new byte[] { 0, 0xFF, (byte)counter, 0x80 },
                    _ => throw new NotSupportedException($"No sample for {primitive.Tag}."),
                };
            case EnumSchema enumeration:
                // The last symbol, so a value equal to the default cannot pass by accident.
                return Enum.ToObject(ContractTypes.ClrTypeOf(enumeration), enumeration.Count - 1);
            case RecordSchema record:
                return Record(record);
            case ArraySchema array:
                var list = (IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(ContractTypes.ExpectedClrType(array.ItemSchema)))!;
                if (!minimal)
                    for (var i = 0; i < 2; i++) list.Add(Value(array.ItemSchema));
                return list;
            case UnionSchema union:
                var branches = union.Schemas.Where(s => s.Tag != Schema.Type.Null).ToList();
                if (minimal && branches.Count < union.Count) return null;
                return Value(branches[variant % branches.Count]);
            default:
                throw new NotSupportedException($"No sample for {schema.Tag}.");
        }
    }
}
