using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace ChatStreams.Identity;

/// <summary>RFC 7807 problem answers with a <c>code</c> member, the one error shape of the whole REST API.</summary>
public static class ApiProblems
{
    public const string TypePrefix = "https://chatstreams.dev/errors/";

    private static readonly Dictionary<string, string> Titles = new(StringComparer.Ordinal)
    {
        [ApiErrorCodes.InvalidRequest] = "Invalid request",
        [ApiErrorCodes.UsernameTaken] = "Username taken",
        [ApiErrorCodes.InvalidCredentials] = "Invalid credentials",
        [ApiErrorCodes.Unauthorized] = "Unauthorized",
        [ApiErrorCodes.RateLimited] = "Rate limited",
        [ApiErrorCodes.NotFound] = "Not found",
        [ApiErrorCodes.Forbidden] = "Forbidden",
    };

    public static IResult Problem(int status, string code, string detail, IDictionary<string, string[]>? errors = null) =>
        TypedResults.Problem(Details(status, code, detail, errors));

    /// <summary>For code outside an endpoint (authentication events, middleware) that must answer directly.</summary>
    public static Task WriteAsync(HttpContext context, int status, string code, string detail, IDictionary<string, string[]>? errors = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Problem(status, code, detail, errors).ExecuteAsync(context);
    }

    public static ProblemDetails Details(int status, string code, string detail, IDictionary<string, string[]>? errors = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(code);
        var details = errors is null
            ? new ProblemDetails()
            : new HttpValidationProblemDetails(errors);
        details.Type = TypePrefix + code;
        details.Title = TitleOf(code);
        details.Status = status;
        details.Detail = detail;
        details.Extensions["code"] = code;
        return details;
    }

    /// <summary>"username_taken" becomes "Username taken"; known codes have fixed titles.</summary>
    public static string TitleOf(string code)
    {
        if (Titles.TryGetValue(code, out var title))
        {
            return title;
        }

        var words = code.Replace('_', ' ');
        return words.Length == 0 ? words : char.ToUpper(words[0], CultureInfo.InvariantCulture) + words[1..];
    }
}
