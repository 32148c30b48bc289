using System.Text.Json;

namespace ChatStreams.SchemaRegistry;

/// <summary>Registers the project's <c>.avsc</c> files at start-up so ids exist before any producer needs them.</summary>
public static class SchemaFolder
{
    /// <summary>Top-level attribute of an .avsc naming the subjects to register it under (Avro ignores unknown attributes).</summary>
    public const string SubjectsAttribute = "chatstreams.subjects";

    /// <summary>
    /// Registers every <c>*.avsc</c> in <paramref name="schemasDirectory"/> (sorted by file name) under the subjects its
    /// "chatstreams.subjects" array names, or under its record's full name when it has none. The schema text is
    /// registered unchanged, so a producer registering the same schema gets the same id.
    /// </summary>
    public static async Task<IReadOnlyList<(string Subject, int Id)>> RegisterAllAsync(SchemaRegistryServer server, string schemasDirectory)
    {
        ArgumentNullException.ThrowIfNull(server);
        if (!Directory.Exists(schemasDirectory))
        {
            throw new DirectoryNotFoundException($"Schema folder '{Path.GetFullPath(schemasDirectory)}' does not exist; point the host at the folder holding the .avsc files.");
        }

        var registered = new List<(string Subject, int Id)>();
        foreach (var path in Directory.EnumerateFiles(schemasDirectory, "*.avsc").Order(StringComparer.Ordinal))
        {
            var text = await File.ReadAllTextAsync(path);
            foreach (var subject in SubjectsOf(path, text))
            {
                try
                {
                    registered.Add((subject, await server.RegisterAsync(subject, text)));
                }
                catch (RegistryRejectedException e)
                {
                    throw new RegistryRejectedException(e.HttpStatus, e.ErrorCode, $"{Path.GetFileName(path)} (subject '{subject}'): {e.Message}");
                }
            }
        }

        return registered;
    }

    private static IReadOnlyList<string> SubjectsOf(string path, string text)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text);
        }
        catch (JsonException e)
        {
            throw new RegistryRejectedException(422, RegistryErrorCodes.InvalidSchema, $"{Path.GetFileName(path)} is not valid JSON: {e.Message}");
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty(SubjectsAttribute, out var subjects))
            {
                var names = subjects.ValueKind == JsonValueKind.Array
                    ? subjects.EnumerateArray().Select(s => s.ValueKind == JsonValueKind.String ? s.GetString() : null).ToList()
                    : [];
                if (names.Count == 0 || names.Any(string.IsNullOrWhiteSpace))
                {
                    throw new RegistryRejectedException(422, RegistryErrorCodes.InvalidSchema,
                        $"{Path.GetFileName(path)}: \"{SubjectsAttribute}\" must be a non-empty array of subject names, e.g. [\"chat.events-value\"].");
                }

                return names!;
            }

            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String)
            {
                var shortName = name.GetString()!;
                var ns = root.TryGetProperty("namespace", out var nsElement) && nsElement.ValueKind == JsonValueKind.String ? nsElement.GetString() : null;
                return [shortName.Contains('.') || string.IsNullOrEmpty(ns) ? shortName : $"{ns}.{shortName}"];
            }

            throw new RegistryRejectedException(422, RegistryErrorCodes.InvalidSchema,
                $"{Path.GetFileName(path)} has neither a \"{SubjectsAttribute}\" array nor a named top-level type to take the subject from.");
        }
    }
}
