using System.Text.Json;
using Avro;

namespace ChatStreams.SchemaRegistry.Compatibility;

/// <summary>
/// The aliases of every named type (record, enum, fixed) in a reader schema, by full name.
/// Apache.Avro does not expose named-type aliases publicly, so they are read from the schema's own
/// JSON form, which lists them fully qualified.
/// </summary>
internal sealed class ReaderAliases
{
    private readonly Dictionary<string, HashSet<string>> aliasesByFullName = new(StringComparer.Ordinal);

    public ReaderAliases(Schema reader)
    {
        using var document = JsonDocument.Parse(reader.ToString());
        Collect(document.RootElement, enclosingNamespace: null);
    }

    /// <summary>True when the reader declares <paramref name="writerFullName"/> as an alias of its type <paramref name="readerFullName"/>.</summary>
    public bool Contains(string readerFullName, string writerFullName) =>
        aliasesByFullName.TryGetValue(readerFullName, out var aliases) && aliases.Contains(writerFullName);

    private void Collect(JsonElement element, string? enclosingNamespace)
    {
        if (element.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in element.EnumerateArray())
            {
                Collect(item, enclosingNamespace);
            }

            return;
        }

        if (element.ValueKind != JsonValueKind.Object)
        {
            return;
        }

        var ns = enclosingNamespace;
        if (element.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String
            && type.GetString() is "record" or "error" or "enum" or "fixed"
            && element.TryGetProperty("name", out var nameElement) && nameElement.GetString() is { } name)
        {
            if (element.TryGetProperty("namespace", out var nsElement) && nsElement.ValueKind == JsonValueKind.String)
            {
                ns = nsElement.GetString();
            }

            var fullName = Qualify(name, ns);
            if (name.Contains('.'))
            {
                ns = name[..name.LastIndexOf('.')];
            }

            if (element.TryGetProperty("aliases", out var aliases) && aliases.ValueKind == JsonValueKind.Array)
            {
                var set = aliasesByFullName.TryGetValue(fullName, out var existing) ? existing : aliasesByFullName[fullName] = new(StringComparer.Ordinal);
                foreach (var alias in aliases.EnumerateArray())
                {
                    if (alias.GetString() is { } text)
                    {
                        set.Add(Qualify(text, ns));
                    }
                }
            }
        }

        foreach (var property in element.EnumerateObject())
        {
            if (property.Name is "type" or "fields" or "items" or "values")
            {
                Collect(property.Value, ns);
            }
        }
    }

    private static string Qualify(string name, string? ns) =>
        name.Contains('.') || string.IsNullOrEmpty(ns) ? name : $"{ns}.{name}";
}
