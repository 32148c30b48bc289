namespace ChatStreams.Notifications.Preferences;

/// <summary>
/// A preferences store that also keeps the VAPID key pair, for deployments whose processes share no disk (the edges
/// and the sender on different hosts): the first process stores its candidate pair, every other one gets that pair.
/// </summary>
public interface IVapidKeyStore
{
    /// <summary>Stores the candidate (base64url public point and private scalar) unless a pair is stored already; returns the stored pair.</summary>
    Task<(string PublicKey, string PrivateKey)> GetOrAddVapidKeysAsync(string publicKey, string privateKey, CancellationToken ct);
}
