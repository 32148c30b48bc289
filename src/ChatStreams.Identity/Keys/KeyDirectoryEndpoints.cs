using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ChatStreams.Identity.Keys;

/// <summary>
/// The key directory REST API: a device publishes and replenishes its own keys (the user id comes from the token);
/// anyone signed in lists a user's devices and claims a prekey bundle per device to start an encrypted session.
/// </summary>
public static partial class KeyDirectoryEndpoints
{
    public const int KeyBytes = 32;
    public const int SignatureBytes = 64;

    [GeneratedRegex("^[A-Za-z0-9._:-]{1,64}$")]
    public static partial Regex DeviceIdPattern();

    public static IEndpointRouteBuilder MapKeyDirectoryApi(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var keys = endpoints.MapGroup("/api/keys").RequireAuthorization();
        keys.MapPut("/devices/{deviceId}", PublishAsync);
        keys.MapPost("/devices/{deviceId}/one-time-prekeys", ReplenishAsync);
        keys.MapGet("/devices/{deviceId}", StatusAsync);
        keys.MapDelete("/devices/{deviceId}", RemoveAsync);
        keys.MapGet("/users/{userId}/devices", ListAsync);
        keys.MapPost("/users/{userId}/devices/{deviceId}/bundle", ClaimAsync);
        return endpoints;
    }

    private static async Task<IResult> PublishAsync(string deviceId, HttpContext context, IDeviceKeyDirectory directory,
        IOptions<KeyDirectoryOptions> options, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (Caller(context, deviceId, out var userId) is { } refused) return refused;
        var (body, problem) = await JsonRequestBody.ReadAsync<PublishDeviceKeysRequest>(context, cancellationToken, maxBytes: 256 * 1024);
        if (body is null) return problem!;

        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var identityKey = Key(body.IdentityKey, "identityKey", KeyBytes, errors);
        var identityDhKey = Key(body.IdentityDhKey, "identityDhKey", KeyBytes, errors);
        var identitySignature = Key(body.IdentityDhSignature, "identityDhSignature", SignatureBytes, errors);
        SignedPrekey? signed = null;
        if (body.SignedPrekey is null) errors["signedPrekey"] = ["Give the signed prekey: {keyId, publicKey, signature}."];
        else
        {
            var publicKey = Key(body.SignedPrekey.PublicKey, "signedPrekey.publicKey", KeyBytes, errors);
            var signature = Key(body.SignedPrekey.Signature, "signedPrekey.signature", SignatureBytes, errors);
            if (publicKey is not null && signature is not null) signed = new SignedPrekey(body.SignedPrekey.KeyId, publicKey, signature);
        }
        var prekeys = Prekeys(body.OneTimePrekeys, options.Value, errors);
        if (errors.Count > 0) return Invalid(errors);

        var devices = await directory.ListDevicesAsync(userId, cancellationToken);
        if (devices.Count >= options.Value.MaxDevicesPerUser && devices.All(d => d.DeviceId != deviceId))
            return ApiProblems.Problem(StatusCodes.Status409Conflict, KeyDirectoryErrorCodes.TooManyDevices,
                $"Your account already has {devices.Count} devices with keys, the most allowed; remove one (DELETE /api/keys/devices/{{deviceId}}) first.");

        var identity = new DeviceIdentity(userId, deviceId, identityKey!, identityDhKey!, identitySignature!, clock.GetUtcNow());
        var count = await directory.PublishAsync(new DeviceKeyUpload(identity, signed!, prekeys!), cancellationToken);
        return TypedResults.Ok(Status(deviceId, count, options.Value, context));
    }

    private static async Task<IResult> ReplenishAsync(string deviceId, HttpContext context, IDeviceKeyDirectory directory,
        IOptions<KeyDirectoryOptions> options, CancellationToken cancellationToken)
    {
        if (Caller(context, deviceId, out var userId) is { } refused) return refused;
        var (body, problem) = await JsonRequestBody.ReadAsync<AddOneTimePrekeysRequest>(context, cancellationToken, maxBytes: 256 * 1024);
        if (body is null) return problem!;
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var prekeys = Prekeys(body.OneTimePrekeys, options.Value, errors);
        if (errors.Count > 0) return Invalid(errors);
        var held = await directory.CountOneTimePrekeysAsync(userId, deviceId, cancellationToken);
        if (held is null) return UnknownDevice(deviceId);
        if (held + prekeys!.Count > options.Value.MaxPrekeysPerDevice)
            return ApiProblems.Problem(StatusCodes.Status409Conflict, KeyDirectoryErrorCodes.TooManyPrekeys,
                $"The device holds {held} one-time prekeys; with these {prekeys.Count} it would exceed the limit of {options.Value.MaxPrekeysPerDevice}.");
        var count = await directory.AddOneTimePrekeysAsync(userId, deviceId, prekeys, cancellationToken);
        return count is null ? UnknownDevice(deviceId) : TypedResults.Ok(Status(deviceId, count.Value, options.Value, context));
    }

    private static async Task<IResult> StatusAsync(string deviceId, HttpContext context, IDeviceKeyDirectory directory,
        IOptions<KeyDirectoryOptions> options, CancellationToken cancellationToken)
    {
        if (Caller(context, deviceId, out var userId) is { } refused) return refused;
        var count = await directory.CountOneTimePrekeysAsync(userId, deviceId, cancellationToken);
        return count is null ? UnknownDevice(deviceId) : TypedResults.Ok(Status(deviceId, count.Value, options.Value, context));
    }

    private static async Task<IResult> RemoveAsync(string deviceId, HttpContext context, IDeviceKeyDirectory directory, CancellationToken cancellationToken)
    {
        if (Caller(context, deviceId, out var userId) is { } refused) return refused;
        return await directory.RemoveDeviceAsync(userId, deviceId, cancellationToken) ? TypedResults.NoContent() : UnknownDevice(deviceId);
    }

    private static async Task<IResult> ListAsync(string userId, IDeviceKeyDirectory directory, CancellationToken cancellationToken) =>
        TypedResults.Ok((await directory.ListDevicesAsync(userId, cancellationToken)).Select(DeviceJson.From).ToList());

    private static async Task<IResult> ClaimAsync(string userId, string deviceId, IDeviceKeyDirectory directory,
        IOptions<KeyDirectoryOptions> options, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var bundle = await directory.ClaimBundleAsync(userId, deviceId, cancellationToken);
        if (bundle is null) return UnknownDevice(deviceId);
        if (bundle.OneTimePrekey is null)
            loggers.CreateLogger(typeof(KeyDirectoryEndpoints)).LogWarning(
                "Device {Device} of user {User} has no one-time prekeys left; sessions start without one until it replenishes", deviceId, userId);
        return TypedResults.Ok(PrekeyBundleJson.From(bundle));
    }

    /// <summary>The caller's user id, or a problem when the device id is malformed.</summary>
    private static IResult? Caller(HttpContext context, string deviceId, out string userId)
    {
        userId = AccessTokens.UserId(context.User) ?? "";
        if (userId.Length == 0)
            return ApiProblems.Problem(StatusCodes.Status401Unauthorized, ApiErrorCodes.Unauthorized, "The token names no user; log in again.");
        return DeviceIdPattern().IsMatch(deviceId) ? null
            : ApiProblems.Problem(StatusCodes.Status400BadRequest, ApiErrorCodes.InvalidRequest, "deviceId must be 1 to 64 letters, digits, '.', '_', ':' or '-'.");
    }

    private static PrekeyStatusResponse Status(string deviceId, int count, KeyDirectoryOptions options, HttpContext context)
    {
        var low = count < options.LowWaterMark;
        if (low) context.Response.Headers["X-Prekeys-Low"] = count.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return new PrekeyStatusResponse(deviceId, count, options.LowWaterMark, low);
    }

    private static byte[]? Key(string? base64, string field, int length, Dictionary<string, string[]> errors)
    {
        var bytes = new byte[length + 3];
        if (base64 is null || !Convert.TryFromBase64String(base64, bytes, out var written) || written != length)
        {
            errors[field] = [$"Give {field} as standard base64 of exactly {length} bytes."];
            return null;
        }
        return bytes[..length];
    }

    private static List<OneTimePrekey>? Prekeys(IReadOnlyList<OneTimePrekeyJson>? list, KeyDirectoryOptions options, Dictionary<string, string[]> errors)
    {
        list ??= [];
        if (list.Count > options.MaxPrekeysPerUpload)
        {
            errors["oneTimePrekeys"] = [$"Upload at most {options.MaxPrekeysPerUpload} one-time prekeys at once."];
            return null;
        }
        var result = new List<OneTimePrekey>(list.Count);
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i] is null || list[i].KeyId < 0) { errors[$"oneTimePrekeys[{i}]"] = ["Each one-time prekey is {keyId ≥ 0, publicKey}."]; continue; }
            if (Key(list[i].PublicKey, $"oneTimePrekeys[{i}].publicKey", KeyBytes, errors) is { } key) result.Add(new OneTimePrekey(list[i].KeyId, key));
        }
        return result;
    }

    private static IResult Invalid(Dictionary<string, string[]> errors) => ApiProblems.Problem(StatusCodes.Status400BadRequest,
        ApiErrorCodes.InvalidRequest, "The keys are invalid; see errors for what to fix.", errors);

    private static IResult UnknownDevice(string deviceId) => ApiProblems.Problem(StatusCodes.Status404NotFound, ApiErrorCodes.NotFound,
        $"Device '{deviceId}' has published no keys; it must PUT /api/keys/devices/{{deviceId}} first.");
}
