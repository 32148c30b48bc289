namespace ChatStreams.Identity;

/// <summary>Machine-readable <c>code</c> values of REST problem answers; clients switch on these, never on messages.</summary>
public static class ApiErrorCodes
{
    public const string InvalidRequest = "invalid_request";
    public const string UsernameTaken = "username_taken";
    public const string InvalidCredentials = "invalid_credentials";
    public const string Unauthorized = "unauthorized";
    public const string RateLimited = "rate_limited";
    public const string NotFound = "not_found";
    public const string Forbidden = "forbidden";

    public static IReadOnlyList<string> All { get; } =
        [InvalidRequest, UsernameTaken, InvalidCredentials, Unauthorized, RateLimited, NotFound, Forbidden];
}
