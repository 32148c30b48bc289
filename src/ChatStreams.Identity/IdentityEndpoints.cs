using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using ChatStreams.Identity.Keys;
using Microsoft.AspNetCore.Routing;

namespace ChatStreams.Identity;

/// <summary>The account REST API: register, login, own profile and user look-up.</summary>
public static class IdentityEndpoints
{
    public const int DefaultSearchLimit = 20;
    public const int MaxQueryLength = 64;

    public static IEndpointRouteBuilder MapIdentityApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);

        var auth = endpoints.MapGroup("/api/auth").AllowAnonymous();
        auth.MapPost("/register", RegisterAsync);
        auth.MapPost("/login", LoginAsync);

        var users = endpoints.MapGroup("/api/users").RequireAuthorization();
        users.MapGet("/me", MeAsync);
        users.MapGet("", SearchAsync);
        endpoints.MapKeyDirectoryApi();
        return endpoints;
    }

    private static async Task<IResult> RegisterAsync(HttpContext context, AccountService accounts, CancellationToken cancellationToken)
    {
        var (body, problem) = await JsonRequestBody.ReadAsync<RegisterRequest>(context, cancellationToken);
        if (body is null)
        {
            return problem!;
        }

        var result = await accounts.RegisterAsync(body.Username, body.Password, body.DisplayName, cancellationToken);
        return result.Succeeded
            ? TypedResults.Json(Answer(result), statusCode: StatusCodes.Status201Created)
            : Failure(context, result.Failure);
    }

    private static async Task<IResult> LoginAsync(HttpContext context, AccountService accounts, CancellationToken cancellationToken)
    {
        var (body, problem) = await JsonRequestBody.ReadAsync<LoginRequest>(context, cancellationToken);
        if (body is null)
        {
            return problem!;
        }

        // Behind the gateway this is the client's address: the edge takes X-Forwarded-For from trusted proxies only.
        var result = await accounts.LoginAsync(body.Username, body.Password, cancellationToken, context.Connection.RemoteIpAddress?.ToString());
        return result.Succeeded ? TypedResults.Ok(Answer(result)) : Failure(context, result.Failure);
    }

    private static async Task<IResult> MeAsync(HttpContext context, IUserDirectory directory, CancellationToken cancellationToken)
    {
        var userId = AccessTokens.UserId(context.User);
        var account = userId is null ? null : await directory.FindByIdAsync(userId, cancellationToken);
        return account is null
            ? ApiProblems.Problem(StatusCodes.Status404NotFound, ApiErrorCodes.NotFound, "The account of this token no longer exists.")
            : TypedResults.Ok(account.ToProfile());
    }

    private static async Task<IResult> SearchAsync(
        string? query, string? limit, IUserDirectory directory, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var needle = query?.Trim() ?? "";
        if (needle.Length == 0)
        {
            errors["query"] = ["Give part of a username or display name to look for, e.g. ?query=ali."];
        }
        else if (needle.Length > MaxQueryLength)
        {
            errors["query"] = [$"The query may be at most {MaxQueryLength} characters long."];
        }

        var count = DefaultSearchLimit;
        if (!string.IsNullOrEmpty(limit)
            && (!int.TryParse(limit, NumberStyles.None, CultureInfo.InvariantCulture, out count) || count < 1))
        {
            errors["limit"] = [$"The limit must be a whole number from 1 to {SqliteUserDirectory.MaxSearchResults}."];
        }

        if (errors.Count > 0)
        {
            return ApiProblems.Problem(StatusCodes.Status400BadRequest, ApiErrorCodes.InvalidRequest,
                "The user search is invalid; see errors for what to fix.", errors);
        }

        return TypedResults.Ok(await directory.SearchAsync(needle, Math.Min(count, SqliteUserDirectory.MaxSearchResults), cancellationToken));
    }

    private static AuthResponse Answer(AccountResult result) =>
        new(result.Account!.UserId, result.Token!, result.Account.Username, result.Account.DisplayName);

    private static IResult Failure(HttpContext context, AccountFailure failure)
    {
        if (failure.RetryAfter is { } retryAfter)
        {
            context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        return failure.ToProblem();
    }
}
