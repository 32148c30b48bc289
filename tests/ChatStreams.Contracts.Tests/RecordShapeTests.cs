using System.Reflection;
using System.Runtime.CompilerServices;
using Avro;
using Avro.Specific;
using Newtonsoft.Json.Linq;

namespace ChatStreams.Contracts.Tests;

/// <summary>The hand-written record classes match the schemas, field by field, recursively through every file.</summary>
public class RecordShapeTests
{
    public static TheoryData<string> RecordNames => new(ContractTypes.Records.Select(r => r.Fullname));
    public static TheoryData<string> EnumNames => new(ContractTypes.Enums.Select(e => e.Fullname));

    [Fact]
    public void Every_type_in_the_contract_namespace_is_defined_by_a_schema()
    {
        var clrTypes = typeof(ContractSchemas).Assembly.GetTypes()
            .Where(t => t.Namespace == ContractSchemas.Namespace && t.IsPublic)
            .Select(t => t.FullName!);
        Assert.Equal(ContractTypes.Definitions.Keys.Order(), clrTypes.Order());
    }

    [Theory]
    [MemberData(nameof(RecordNames))]
    public void Record_class_exposes_its_schema_where_avro_and_confluent_look(string fullName)
    {
        var schema = (RecordSchema)ContractSchemas.Named(fullName);
        var type = ContractTypes.ClrTypeOf(schema);
        Assert.True(typeof(ISpecificRecord).IsAssignableFrom(type), $"{fullName} must implement ISpecificRecord.");
        Assert.NotNull(type.GetConstructor(Type.EmptyTypes));
        var staticSchema = type.GetField("_SCHEMA", BindingFlags.Public | BindingFlags.Static)?.GetValue(null);
        Assert.Same(schema, staticSchema);
        Assert.Same(schema, ContractTypes.NewRecord(schema).Schema);
    }

    [Theory]
    [MemberData(nameof(RecordNames))]
    public void Every_field_has_a_property_of_the_type_avro_maps_it_to(string fullName)
    {
        var schema = (RecordSchema)ContractSchemas.Named(fullName);
        var type = ContractTypes.ClrTypeOf(schema);
        var nullability = new NullabilityInfoContext();
        foreach (var field in schema.Fields)
        {
            var property = type.GetProperty(ContractTypes.PropertyName(field));
            Assert.True(property is { CanRead: true, CanWrite: true }, $"{fullName} needs a public get/set property {ContractTypes.PropertyName(field)}.");
            Assert.Equal(ContractTypes.ExpectedClrType(field.Schema), property.PropertyType);

            var optional = field.Schema is UnionSchema union && union.Schemas.Any(s => s.Tag == Schema.Type.Null);
            if (!property.PropertyType.IsValueType)
                Assert.True((nullability.Create(property).WriteState == NullabilityState.Nullable) == optional,
                    $"{fullName}.{property.Name} must be {(optional ? "nullable" : "non-nullable")} in C#.");

            // C# 'required' exactly where the schema has no default: a producer cannot forget a mandatory field.
            var required = property.GetCustomAttribute<RequiredMemberAttribute>() is not null;
            Assert.True(required == (field.DefaultValue is null),
                $"{fullName}.{property.Name} must {(field.DefaultValue is null ? "" : "not ")}be 'required'.");
        }
        var settable = type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite).Select(p => p.Name);
        Assert.Equal(schema.Fields.Select(ContractTypes.PropertyName).Order(), settable.Order());
    }

    [Theory]
    [MemberData(nameof(RecordNames))]
    public void Put_and_Get_address_the_property_of_the_same_field(string fullName)
    {
        var schema = (RecordSchema)ContractSchemas.Named(fullName);
        var record = ContractTypes.NewRecord(schema);
        var samples = new SampleRecords(variant: 0, minimal: false);
        foreach (var field in schema.Fields)
        {
            var value = samples.Value(field.Schema);
            record.Put(field.Pos, value);
            var property = record.GetType().GetProperty(ContractTypes.PropertyName(field))!;
            if (value is ValueType) Assert.Equal(value, property.GetValue(record));
            else Assert.Same(value, property.GetValue(record));
            Assert.Equal(value, record.Get(field.Pos));
        }
        Assert.Throws<AvroRuntimeException>(() => record.Get(schema.Fields.Count));
        Assert.Throws<AvroRuntimeException>(() => record.Put(schema.Fields.Count, null));
    }

    [Theory]
    [MemberData(nameof(RecordNames))]
    public void A_new_instance_holds_the_schema_defaults(string fullName)
    {
        var schema = (RecordSchema)ContractSchemas.Named(fullName);
        var record = ContractTypes.NewRecord(schema);
        foreach (var field in schema.Fields.Where(f => f.DefaultValue is not null))
        {
            var actual = record.Get(field.Pos);
            switch (field.DefaultValue)
            {
                case { Type: JTokenType.Null }:
                    Assert.Null(actual);
                    break;
                case JArray array:
                    Assert.Empty(array);
                    Assert.Empty(Assert.IsAssignableFrom<System.Collections.IList>(actual));
                    break;
                case JValue { Type: JTokenType.String } symbol when field.Schema is EnumSchema enumeration:
                    Assert.Equal(Enum.Parse(ContractTypes.ClrTypeOf(enumeration), (string)symbol!), actual);
                    break;
                case JValue value:
                    Assert.Equal(value.ToObject(actual!.GetType()), actual);
                    break;
                default:
                    Assert.Fail($"{fullName}.{field.Name}: default {field.DefaultValue} is not covered by this test.");
                    break;
            }
        }
    }

    [Theory]
    [MemberData(nameof(EnumNames))]
    public void Enum_members_are_the_symbols_in_order(string fullName)
    {
        var schema = (EnumSchema)ContractSchemas.Named(fullName);
        var type = ContractTypes.ClrTypeOf(schema);
        Assert.True(type.IsEnum, $"{fullName} must be a C# enum.");
        Assert.Equal(schema.Symbols, Enum.GetNames(type));
        Assert.Equal(Enumerable.Range(0, schema.Count), Enum.GetValues(type).Cast<object>().Select(Convert.ToInt32));
    }
}
