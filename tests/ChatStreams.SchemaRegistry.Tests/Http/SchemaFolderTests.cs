using System.Net;
using ChatStreams.SchemaRegistry.Tests.Support;
using static ChatStreams.SchemaRegistry.Tests.Support.AvroSchemas;

namespace ChatStreams.SchemaRegistry.Tests.Http;

public class SchemaFolderTests
{
    private const string WithSubjects = """
        {"type":"record","name":"ChatEvent","namespace":"chat.v1","chatstreams.subjects":["chat.events-value","chat.archive-value"],
         "fields":[{"name":"id","type":"string"}]}
        """;

    private const string WithoutSubjects = """
        {"type":"record","name":"Receipt","namespace":"chat.v1","fields":[{"name":"messageId","type":"string"}]}
        """;

    [Fact]
    public async Task Registers_every_avsc_under_its_declared_subjects_or_its_full_name()
    {
        using var folder = new TemporaryDirectory();
        await File.WriteAllTextAsync(Path.Combine(folder.Path, "a-chat-event.avsc"), WithSubjects);
        await File.WriteAllTextAsync(Path.Combine(folder.Path, "b-receipt.avsc"), WithoutSubjects);
        await File.WriteAllTextAsync(Path.Combine(folder.Path, "notes.txt"), "not a schema");
        await using var registry = await RunningRegistry.StartAsync();

        var registered = await SchemaFolder.RegisterAllAsync(registry.Server, folder.Path);

        Assert.Equal([("chat.events-value", 1), ("chat.archive-value", 1), ("chat.v1.Receipt", 2)], registered);
        var subjects = (await registry.Http.GetAsync("/subjects")).Json.EnumerateArray().Select(s => s.GetString());
        Assert.Equal(["chat.archive-value", "chat.events-value", "chat.v1.Receipt"], subjects);

        // The schema is registered as written, attribute included, so a producer sending the same .avsc gets the same id.
        Assert.Equal(1, await registry.Http.RegisterOkAsync("chat.events-value", WithSubjects));
    }

    [Fact]
    public async Task Registering_the_folder_again_changes_nothing()
    {
        using var folder = new TemporaryDirectory();
        await File.WriteAllTextAsync(Path.Combine(folder.Path, "receipt.avsc"), WithoutSubjects);
        await using var registry = await RunningRegistry.StartAsync();

        var first = await SchemaFolder.RegisterAllAsync(registry.Server, folder.Path);
        var second = await SchemaFolder.RegisterAllAsync(registry.Server, folder.Path);

        Assert.Equal(first, second);
        Assert.Equal(1, (await registry.Http.GetAsync("/subjects/chat.v1.Receipt/versions")).Json.GetArrayLength());
    }

    [Fact]
    public async Task Incompatible_file_is_refused_naming_the_file_and_field()
    {
        using var folder = new TemporaryDirectory();
        await using var registry = await RunningRegistry.StartAsync();
        await registry.Http.RegisterOkAsync("chat.v1.ChatEvent", ChatEvent(Id));
        await File.WriteAllTextAsync(Path.Combine(folder.Path, "chat-event.avsc"), ChatEvent(Id, EditedAtNoDefault));

        var error = await Assert.ThrowsAsync<RegistryRejectedException>(() => SchemaFolder.RegisterAllAsync(registry.Server, folder.Path));

        Assert.Equal(409, error.ErrorCode);
        Assert.Contains("chat-event.avsc", error.Message);
        Assert.Contains("ChatEvent.editedAt", error.Message);
    }

    [Theory]
    [InlineData("""{"type":"record","name":"X","chatstreams.subjects":"x-value","fields":[]}""", "must be a non-empty array")]
    [InlineData("""{"type":"record","name":"X","chatstreams.subjects":[],"fields":[]}""", "must be a non-empty array")]
    [InlineData("""["null","string"]""", "neither")]
    [InlineData("""{"type":"record",""", "not valid JSON")]
    [InlineData("""{"type":"record","name":"X","fields":[{"name":"a","type":"int","default":"x"}]}""", "'X.a'")]
    public async Task Bad_files_are_reported_by_name(string content, string expected)
    {
        using var folder = new TemporaryDirectory();
        await File.WriteAllTextAsync(Path.Combine(folder.Path, "broken.avsc"), content);
        await using var registry = await RunningRegistry.StartAsync();

        var error = await Assert.ThrowsAsync<RegistryRejectedException>(() => SchemaFolder.RegisterAllAsync(registry.Server, folder.Path));

        Assert.Contains("broken.avsc", error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public async Task Missing_folder_is_reported()
    {
        await using var registry = await RunningRegistry.StartAsync();
        var error = await Assert.ThrowsAsync<DirectoryNotFoundException>(() => SchemaFolder.RegisterAllAsync(registry.Server, "/no/such/schemas"));
        Assert.Contains("/no/such/schemas", error.Message);
    }

    [Fact]
    public async Task The_project_schemas_folder_registers_cleanly()
    {
        var schemas = ProjectSchemasFolder();
        var files = Directory.GetFiles(schemas, "*.avsc");
        Assert.NotEmpty(files);
        await using var registry = await RunningRegistry.StartAsync();

        var registered = await SchemaFolder.RegisterAllAsync(registry.Server, schemas);

        Assert.True(registered.Count >= files.Length, $"{registered.Count} registrations for {files.Length} files");
        foreach (var (subject, id) in registered)
        {
            var latest = (await registry.Http.GetAsync($"/subjects/{Uri.EscapeDataString(subject)}/versions/latest")).ShouldBe(HttpStatusCode.OK).Json;
            Assert.Equal(id, latest.GetProperty("id").GetInt32());
        }
    }

    private static string ProjectSchemasFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ChatStreams.sln")))
            {
                return Path.Combine(dir.FullName, "schemas");
            }
        }

        throw new DirectoryNotFoundException($"No ChatStreams.sln above {AppContext.BaseDirectory}");
    }
}
