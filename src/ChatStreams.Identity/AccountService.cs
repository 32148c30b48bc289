using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ChatStreams.Identity;

/// <summary>Registration and login: validation, hashing, throttling and token issue in one place for every edge.</summary>
public sealed class AccountService
{
    private const string InvalidCredentialsMessage = "The username or password is wrong.";

    private readonly IUserDirectory _directory;
    private readonly PasswordHasher _hasher;
    private readonly AccessTokens _tokens;
    private readonly LoginThrottle _throttle;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lazy<string> _decoyHash;

    // Each Argon2 hash holds Argon2MemoryKiB of memory and a core; queueing the surplus keeps a login burst from
    // exhausting memory or starving the thread pool that also serves WebSockets.
    private readonly SemaphoreSlim _hashingSlots = new(Math.Max(1, Environment.ProcessorCount));

    public AccountService(
        IUserDirectory directory,
        PasswordHasher hasher,
        AccessTokens tokens,
        LoginThrottle throttle,
        TimeProvider? timeProvider = null,
        ILogger<AccountService>? logger = null)
    {
        _directory = directory;
        _hasher = hasher;
        _tokens = tokens;
        _throttle = throttle;
        _time = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger<AccountService>.Instance;
        // Verified against for unknown usernames so they cost as much time as a wrong password.
        _decoyHash = new Lazy<string>(() => _hasher.Hash(Guid.NewGuid().ToString("N")));
    }

    public async Task<AccountResult> RegisterAsync(
        string? username, string? password, string? displayName, CancellationToken cancellationToken = default)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        AddError(errors, "username", AccountRules.CheckUsername(username));
        AddError(errors, "password", AccountRules.CheckPassword(password, username));
        var effectiveDisplayName = AccountRules.NormalizeDisplayName(displayName, username ?? "");
        // An absent display name becomes the username, which is valid whenever the username is.
        if (!string.IsNullOrWhiteSpace(displayName))
        {
            AddError(errors, "displayName", AccountRules.CheckDisplayName(effectiveDisplayName));
        }

        if (errors.Count > 0)
        {
            return AccountResult.Fail(new AccountFailure(
                ApiErrorCodes.InvalidRequest, "The registration is invalid; see errors for what to fix.", StatusCodes.Status400BadRequest, errors));
        }

        // Cheap early answer for the common case; the unique index still decides races below.
        if (await _directory.FindByUsernameAsync(username!, cancellationToken).ConfigureAwait(false) is not null)
        {
            return UsernameTaken(username!);
        }

        var hash = await HashAsync(password!, cancellationToken).ConfigureAwait(false);
        var account = new UserAccount(UserAccount.NewUserId(), username!, effectiveDisplayName, hash, _time.GetUtcNow());
        var stored = await _directory.TryRegisterAsync(account, cancellationToken).ConfigureAwait(false);
        if (stored is null)
        {
            return UsernameTaken(username!);
        }

        _logger.LogInformation("Registered user {UserId} ({Username})", stored.UserId, stored.Username);
        return AccountResult.Success(stored, _tokens.Issue(stored));
    }

    /// <param name="clientAddress">The caller's address when known: failures count against it as well as the username.</param>
    public async Task<AccountResult> LoginAsync(string? username, string? password, CancellationToken cancellationToken = default, string? clientAddress = null)
    {
        if (string.IsNullOrEmpty(username) || string.IsNullOrEmpty(password))
        {
            var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
            AddError(errors, "username", string.IsNullOrEmpty(username) ? "A username is required." : null);
            AddError(errors, "password", string.IsNullOrEmpty(password) ? "A password is required." : null);
            return AccountResult.Fail(new AccountFailure(
                ApiErrorCodes.InvalidRequest, "Both username and password are required.", StatusCodes.Status400BadRequest, errors));
        }

        if (_throttle.IsBlocked(username, clientAddress, out var retryAfter))
        {
            _logger.LogWarning("Login for {Username} from {Address} refused: too many failed attempts", username, clientAddress);
            return AccountResult.Fail(new AccountFailure(
                ApiErrorCodes.RateLimited,
                $"Too many failed logins for this username or from this address. Try again in {Math.Ceiling(retryAfter.TotalSeconds):0} seconds.",
                StatusCodes.Status429TooManyRequests,
                RetryAfter: retryAfter));
        }

        // A name that could never have been registered cannot match, but it must look and take the same as a wrong password.
        var account = AccountRules.CheckUsername(username) is null
            ? await _directory.FindByUsernameAsync(username, cancellationToken).ConfigureAwait(false)
            : null;
        // Registration never accepted a longer password, so it cannot match; still hash something of normal size.
        var tooLong = password.Length > AccountRules.PasswordMaxLength;
        var candidate = tooLong ? "password-over-the-length-limit" : password;
        var matches = await VerifyAsync(candidate, account?.PasswordHash ?? _decoyHash.Value, cancellationToken).ConfigureAwait(false);
        if (account is null || !matches || tooLong)
        {
            _throttle.RecordFailure(username, clientAddress);
            _logger.LogInformation("Failed login for {Username}", username);
            return AccountResult.Fail(new AccountFailure(
                ApiErrorCodes.InvalidCredentials, InvalidCredentialsMessage, StatusCodes.Status401Unauthorized));
        }

        _throttle.Reset(username);
        await RehashIfOutdatedAsync(account, password, cancellationToken).ConfigureAwait(false);
        return AccountResult.Success(account, _tokens.Issue(account));
    }

    private async Task RehashIfOutdatedAsync(UserAccount account, string password, CancellationToken cancellationToken)
    {
        if (!_hasher.NeedsRehash(account.PasswordHash))
        {
            return;
        }

        try
        {
            var hash = await HashAsync(password, cancellationToken).ConfigureAwait(false);
            await _directory.UpdatePasswordHashAsync(account.UserId, hash, cancellationToken).ConfigureAwait(false);
            _logger.LogInformation("Rehashed the password of user {UserId} with the current Argon2 parameters", account.UserId);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The old hash still works; a failed upgrade must not fail the login.
            _logger.LogWarning(e, "Could not rehash the password of user {UserId}", account.UserId);
        }
    }

    private async Task<string> HashAsync(string password, CancellationToken cancellationToken)
    {
        await _hashingSlots.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return _hasher.Hash(password);
        }
        finally
        {
            _hashingSlots.Release();
        }
    }

    private async Task<bool> VerifyAsync(string password, string encoded, CancellationToken cancellationToken)
    {
        await _hashingSlots.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return _hasher.Verify(password, encoded);
        }
        finally
        {
            _hashingSlots.Release();
        }
    }

    private static AccountResult UsernameTaken(string username) =>
        AccountResult.Fail(new AccountFailure(
            ApiErrorCodes.UsernameTaken,
            $"The username '{username}' is already taken; choose another one.",
            StatusCodes.Status409Conflict,
            new Dictionary<string, string[]>(StringComparer.Ordinal) { ["username"] = ["This username is already taken."] }));

    private static void AddError(Dictionary<string, string[]> errors, string field, string? message)
    {
        if (message is not null)
        {
            errors[field] = [message];
        }
    }
}
