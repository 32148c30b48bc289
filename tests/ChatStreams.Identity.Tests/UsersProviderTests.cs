using ChatStreams.TestSupport;
using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChatStreams.Identity.Tests;

/// <summary>Choosing where accounts live (Auth__UsersProvider) and checking its settings; none of this needs a MongoDB server.</summary>
public sealed class UsersProviderTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Validate_Default_IsSqliteAndValid()
    {
        var options = Options();

        Assert.Equal("sqlite", options.UsersProvider);
        Assert.False(options.UsesMongo);
        Assert.True(new IdentityOptionsValidator().Validate(null, options).Succeeded);
    }

    [Theory]
    [InlineData("mongo")]
    [InlineData("Mongo")]
    [InlineData(" MONGO ")]
    public void Validate_MongoWithUrl_IsValidIgnoringCase(string provider)
    {
        var options = Options(provider, "mongodb://127.0.0.1:27017/accounts");
        options.UsersDatabase = ""; // only the sqlite provider needs a file

        Assert.True(options.UsesMongo);
        Assert.True(new IdentityOptionsValidator().Validate(null, options).Succeeded);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Validate_MongoWithoutUrl_NamesAuthMongoUrl(string? url)
    {
        var result = new IdentityOptionsValidator().Validate(null, Options("mongo", url));

        var failure = Assert.Single(result.Failures!);
        Assert.StartsWith("Auth__MongoUrl is required when Auth__UsersProvider is 'mongo'", failure);
        Assert.Contains("mongodb://", failure);
    }

    [Theory]
    [InlineData("http://alice:s3cret@db1/accounts")]
    [InlineData("mongodb://alice:s3cret@db1:notaport/accounts")]
    [InlineData("not a url")]
    public void Validate_MongoWithBadUrl_NamesTheSettingWithoutThePassword(string url)
    {
        var result = new IdentityOptionsValidator().Validate(null, Options("mongo", url));

        var failure = Assert.Single(result.Failures!);
        Assert.StartsWith("Auth__MongoUrl is not a valid MongoDB connection string", failure);
        Assert.Contains("mongodb://[user:password@]host", failure);
        Assert.DoesNotContain("s3cret", failure);
    }

    [Theory]
    [InlineData("postgres")]
    [InlineData("")]
    public void Validate_UnknownProvider_NamesTheSettingAndAllowedValues(string provider)
    {
        var result = new IdentityOptionsValidator().Validate(null, Options(provider));

        var failure = Assert.Single(result.Failures!);
        Assert.Equal(
            $"Auth__UsersProvider '{provider}' is unknown; use 'sqlite' (accounts in a local file, the default) " +
            "or 'mongo' (accounts in MongoDB at Auth__MongoUrl).",
            failure);
    }

    [Fact]
    public void AddChatIdentity_ByDefault_RegistersTheSqliteDirectory()
    {
        using var services = Services(new() { ["Auth:UsersDatabase"] = _folder.File("users.db") });

        Assert.IsType<SqliteUserDirectory>(services.GetRequiredService<IUserDirectory>());
    }

    [Fact]
    public void AddChatIdentity_MongoProvider_RegistersTheMongoDirectoryWithoutConnecting()
    {
        // Nothing listens there: resolving must not wait for a server.
        using var services = Services(new()
        {
            ["Auth:UsersProvider"] = "mongo",
            ["Auth:MongoUrl"] = $"mongodb://alice:s3cret@127.0.0.1:{ClosedPort()},localhost:{ClosedPort()}/accounts?replicaSet=rs0",
        });

        var directory = Assert.IsType<MongoUserDirectory>(services.GetRequiredService<IUserDirectory>());

        Assert.Same(directory, services.GetRequiredService<IUserDirectory>());
        Assert.Equal("accounts", directory.DatabaseName);
        Assert.Matches(@"^mongodb://alice@127\.0\.0\.1:\d+,localhost:\d+/accounts$", directory.Location);
        Assert.Equal(TimeSpan.FromSeconds(10), directory.ServerSelectionTimeout);
    }

    [Fact]
    public void MongoDirectory_UrlWithoutDatabase_UsesChatstreams_AndHonoursATimeoutInTheUrl()
    {
        using var directory = new MongoUserDirectory(TestOptions.Wrap(new IdentityOptions
        {
            UsersProvider = "mongo",
            MongoUrl = $"mongodb://127.0.0.1:{ClosedPort()}/?serverSelectionTimeoutMS=1500",
        }));

        Assert.Equal("chatstreams", directory.DatabaseName);
        Assert.EndsWith("/chatstreams", directory.Location);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), directory.ServerSelectionTimeout);
    }

    [Fact]
    public async Task HostStartup_MongoUnreachable_FailsNamingTheSettingWithoutThePassword()
    {
        var logs = new CapturedLogs();
        var url = $"mongodb://alice:s3cret@127.0.0.1:{ClosedPort()}/accounts?serverSelectionTimeoutMS=300";
        await using var app = BuildApp(logs, new()
        {
            ["Auth:SigningKey"] = TestOptions.NewKey(),
            ["Auth:UsersProvider"] = "mongo",
            ["Auth:MongoUrl"] = url,
        });

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => app.StartAsync());

        Assert.StartsWith("Cannot prepare the accounts collection 'users' in MongoDB at mongodb://alice@127.0.0.1:", error.Message);
        Assert.Contains("/accounts: A timeout occurred after", error.Message);
        Assert.EndsWith(
            "Check Auth__MongoUrl (hosts, credentials, database) and that the server is reachable from this machine.", error.Message);
        Assert.Contains(logs.Messages, m => m.Level == LogLevel.Error && m.Text == error.Message);
        Assert.DoesNotContain(logs.Messages, m => m.Text.Contains("s3cret", StringComparison.Ordinal));
        Assert.DoesNotContain("s3cret", error.Message);
    }

    [Fact]
    public async Task HostStartup_UnknownProvider_FailsBeforeServing()
    {
        await using var app = BuildApp(new CapturedLogs(), new()
        {
            ["Auth:SigningKey"] = TestOptions.NewKey(),
            ["Auth:UsersProvider"] = "redis",
        });

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains("Auth__UsersProvider 'redis' is unknown", error.Message);
    }

    [Fact]
    public void MongoSkipReason_SaysHowToRun()
    {
        Assert.Equal(
            "needs a MongoDB server: set CHATSTREAMS_MONGO_URL=mongodb://host:27017 (for example mongodb://127.0.0.1:27017) to run",
            MongoFactAttribute.SkipReason(null));
        Assert.Equal(MongoFactAttribute.SkipReason(null), MongoFactAttribute.SkipReason(" "));
        Assert.Null(MongoFactAttribute.SkipReason("mongodb://127.0.0.1:27017"));
        Assert.Equal(
            MongoFactAttribute.SkipReason(Environment.GetEnvironmentVariable("CHATSTREAMS_MONGO_URL")),
            new MongoFactAttribute().Skip);
    }

    private IdentityOptions Options(string provider = "sqlite", string? mongoUrl = null) => new()
    {
        SigningKey = TestOptions.NewKey(),
        UsersDatabase = _folder.File("users.db"),
        UsersProvider = provider,
        MongoUrl = mongoUrl,
    };

    private static ServiceProvider Services(Dictionary<string, string?> settings)
    {
        settings["Auth:SigningKey"] = TestOptions.NewKey();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddChatIdentity(configuration);
        return services.BuildServiceProvider();
    }

    private WebApplication BuildApp(CapturedLogs logs, Dictionary<string, string?> settings)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = _folder.Path });
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(logs);
        builder.Services.AddChatIdentity(builder.Configuration);
        var app = builder.Build();
        app.MapIdentityApi();
        return app;
    }

    /// <summary>A loopback port nothing listens on, so connecting is refused at once.</summary>
    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class CapturedLogs : ILoggerProvider
    {
        public ConcurrentQueue<(LogLevel Level, string Text)> Messages { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(Messages);

        public void Dispose()
        {
        }

        private sealed class Logger(ConcurrentQueue<(LogLevel Level, string Text)> messages) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                messages.Enqueue((logLevel, formatter(state, exception)));
                if (exception is not null)
                {
                    messages.Enqueue((logLevel, exception.ToString()));
                }
            }
        }
    }
}
