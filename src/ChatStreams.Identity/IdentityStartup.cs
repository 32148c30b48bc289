using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ChatStreams.Identity;

/// <summary>
/// Opens the accounts database and loads the signing key when the host starts, so an unwritable path or a bad key
/// stops startup instead of failing the first sign-up.
/// </summary>
internal sealed class IdentityStartup(IUserDirectory directory, TokenSigningKey signingKey, ILogger<IdentityStartup> logger)
    : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        logger.LogInformation("Access tokens are signed with the key from {KeySource} (key id {KeyId})",
            signingKey.Source, signingKey.SecurityKey.KeyId);
        if (directory is SqliteUserDirectory sqlite)
        {
            await sqlite.InitializeAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
