using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Http;

namespace ChatStreams.Identity;

/// <summary>Why a register or login did not succeed, ready to become a problem details answer.</summary>
/// <param name="Code">One of <see cref="ApiErrorCodes"/>.</param>
/// <param name="Status">The HTTP status that fits the failure.</param>
/// <param name="Errors">Per-field messages for <see cref="ApiErrorCodes.InvalidRequest"/>.</param>
/// <param name="RetryAfter">For <see cref="ApiErrorCodes.RateLimited"/>: when another attempt may succeed.</param>
public sealed record AccountFailure(
    string Code,
    string Message,
    int Status,
    IDictionary<string, string[]>? Errors = null,
    TimeSpan? RetryAfter = null)
{
    public IResult ToProblem() => ApiProblems.Problem(Status, Code, Message, Errors);
}

/// <summary>The outcome of <see cref="AccountService.RegisterAsync"/> or <see cref="AccountService.LoginAsync"/>.</summary>
public sealed class AccountResult
{
    private AccountResult(UserAccount? account, string? token, AccountFailure? failure)
    {
        Account = account;
        Token = token;
        Failure = failure;
    }

    [MemberNotNullWhen(true, nameof(Account), nameof(Token))]
    [MemberNotNullWhen(false, nameof(Failure))]
    public bool Succeeded => Failure is null;

    public UserAccount? Account { get; }

    /// <summary>A fresh access token for <see cref="Account"/>.</summary>
    public string? Token { get; }

    public AccountFailure? Failure { get; }

    public static AccountResult Success(UserAccount account, string token) => new(account, token, null);

    public static AccountResult Fail(AccountFailure failure) => new(null, null, failure);
}
