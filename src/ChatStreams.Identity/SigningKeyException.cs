namespace ChatStreams.Identity;

/// <summary>The token signing key is missing, unreadable or too weak; the message says what to change.</summary>
public sealed class SigningKeyException(string message, Exception? innerException = null)
    : InvalidOperationException(message, innerException);
