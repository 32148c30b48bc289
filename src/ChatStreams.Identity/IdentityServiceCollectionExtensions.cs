using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace ChatStreams.Identity;

public static class IdentityServiceCollectionExtensions
{
    /// <summary>
    /// Accounts, hashing, tokens and JWT bearer authentication, configured from the <c>Auth</c> section. Invalid
    /// settings stop the host at startup with a message naming the setting.
    /// </summary>
    public static IServiceCollection AddChatIdentity(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);

        services.AddOptions<IdentityOptions>()
            .Bind(configuration.GetSection(IdentityOptions.Section))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<IdentityOptions>, IdentityOptionsValidator>());

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(provider => TokenSigningKey.Load(provider.GetRequiredService<IOptions<IdentityOptions>>().Value));
        services.TryAddSingleton<PasswordHasher>();
        services.TryAddSingleton<AccessTokens>();
        services.TryAddSingleton<SqliteUserDirectory>();
        services.TryAddSingleton<MongoUserDirectory>();
        // Chosen when first resolved, from the validated options, so only the selected store is ever constructed.
        services.TryAddSingleton<IUserDirectory>(provider =>
            provider.GetRequiredService<IOptions<IdentityOptions>>().Value.UsesMongo
                ? provider.GetRequiredService<MongoUserDirectory>()
                : provider.GetRequiredService<SqliteUserDirectory>());
        services.AddOptions<Keys.KeyDirectoryOptions>().Bind(configuration.GetSection(Keys.KeyDirectoryOptions.Section));
        services.TryAddSingleton<Keys.SqliteDeviceKeyDirectory>();
        services.TryAddSingleton<Keys.IDeviceKeyDirectory>(provider =>
            provider.GetRequiredService<IOptions<IdentityOptions>>().Value.UsesMongo
                ? new Keys.MongoDeviceKeyDirectory(provider.GetRequiredService<MongoUserDirectory>())
                : provider.GetRequiredService<Keys.SqliteDeviceKeyDirectory>());
        services.TryAddSingleton<LoginThrottle>();
        services.TryAddSingleton<AccountService>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, IdentityStartup>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, MongoUserDirectoryStartup>());

        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<AccessTokens>((bearer, tokens) =>
            {
                // Keep "sub", "name" as issued instead of renaming them to long WS-Federation claim URIs.
                bearer.MapInboundClaims = false;
                bearer.TokenValidationParameters = tokens.ValidationParameters;
                bearer.Events = BearerEvents();
            });
        services.AddAuthorization();
        return services;
    }

    private static JwtBearerEvents BearerEvents() => new()
    {
        OnMessageReceived = context =>
        {
            // Browsers cannot set headers on a WebSocket handshake; only there may the token ride in the query string,
            // because URLs end up in logs and history.
            var request = context.Request;
            if (request.Path.StartsWithSegments("/ws")
                && string.IsNullOrEmpty(request.Headers.Authorization)
                && request.Query.TryGetValue("access_token", out var token)
                && !string.IsNullOrEmpty(token))
            {
                context.Token = token;
            }

            return Task.CompletedTask;
        },
        OnTokenValidated = context =>
        {
            // Every endpoint acts for the token's user: a validly signed token that names none is refused here, as a
            // 401, instead of failing later (found by fuzzing, docs/reliability.md).
            if (context.Principal is null || AccessTokens.UserId(context.Principal) is null)
            {
                context.Fail(new SecurityTokenValidationException("the token names no user (no 'sub' claim)"));
            }

            return Task.CompletedTask;
        },
        OnAuthenticationFailed = context =>
        {
            context.HttpContext.RequestServices.GetService<ILoggerFactory>()?
                .CreateLogger("ChatStreams.Identity.Authentication")
                .LogDebug("Bearer token rejected: {Reason}", context.Exception.Message);
            return Task.CompletedTask;
        },
        OnChallenge = async context =>
        {
            context.HandleResponse();
            if (context.Response.HasStarted)
            {
                return;
            }

            var detail = context.AuthenticateFailure switch
            {
                null => "This call needs an access token: send 'Authorization: Bearer <token>' with the token from POST /api/auth/login.",
                SecurityTokenExpiredException => "The bearer token has expired; log in again to get a new one.",
                _ => "The bearer token is invalid (bad signature, issuer, audience or format); log in again to get a new one.",
            };
            context.Response.Headers.WWWAuthenticate = context.AuthenticateFailure is null
                ? "Bearer"
                : "Bearer error=\"invalid_token\"";
            await ApiProblems.WriteAsync(context.HttpContext, StatusCodes.Status401Unauthorized, ApiErrorCodes.Unauthorized, detail);
        },
        OnForbidden = context => ApiProblems.WriteAsync(
            context.HttpContext, StatusCodes.Status403Forbidden, ApiErrorCodes.Forbidden, "Your account may not do this."),
    };
}
