using System.Text.Json;

namespace ChatStreams.SchemaRegistry.Storage;

/// <summary>
/// Keeps the registry in <c>schema-registry.json</c> inside the data directory, so a restart with the same
/// directory serves the same ids (messages already in Kafka carry those ids). Every write goes to a temporary
/// file that is flushed and then renamed over the old one: a crash leaves either the old or the new file, never half of one.
/// </summary>
internal sealed class RegistryFile
{
    public const string FileName = "schema-registry.json";

    private static readonly JsonSerializerOptions JsonOptions = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
    };

    public RegistryFile(string directory)
    {
        Directory = System.IO.Path.GetFullPath(directory);
        Path = System.IO.Path.Combine(Directory, FileName);
    }

    public string Directory { get; }

    public string Path { get; }

    /// <summary>The saved state, or null when the directory holds no registry file yet.</summary>
    public RegistryState? Load()
    {
        if (!File.Exists(Path))
        {
            return null;
        }

        RegistryDocument? document;
        try
        {
            using var stream = File.OpenRead(Path);
            document = JsonSerializer.Deserialize<RegistryDocument>(stream, JsonOptions);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException(
                $"{Path} is not a valid schema registry file ({e.Message}). Restore it from a backup, or move it away to start with an empty registry (schema ids will then start again at 1).", e);
        }

        if (document is null)
        {
            throw new InvalidDataException($"{Path} is empty (it contains JSON null). Move it away to start with an empty registry.");
        }

        return document.ToState(Path);
    }

    public void Save(RegistryState state)
    {
        System.IO.Directory.CreateDirectory(Directory);
        var temporary = $"{Path}.{Environment.ProcessId}.tmp";
        try
        {
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
            {
                JsonSerializer.Serialize(stream, RegistryDocument.From(state), JsonOptions);
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, Path, overwrite: true);
        }
        catch
        {
            TryDelete(temporary);
            throw;
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
            // Best effort: a leftover temporary file is harmless and overwritten by the next save.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
