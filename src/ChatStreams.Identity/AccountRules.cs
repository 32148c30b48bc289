using System.Globalization;
using System.Text;

namespace ChatStreams.Identity;

/// <summary>What a valid username, password and display name look like; messages tell the user what to fix.</summary>
public static class AccountRules
{
    public const int UsernameMinLength = 3;
    public const int UsernameMaxLength = 32;
    public const int PasswordMinLength = 8;
    public const int PasswordMaxLength = 256;
    public const int DisplayNameMaxLength = 64;

    /// <summary>Null when valid, otherwise why not.</summary>
    public static string? CheckUsername(string? username)
    {
        if (string.IsNullOrEmpty(username))
        {
            return "A username is required.";
        }

        if (username.Length is < UsernameMinLength or > UsernameMaxLength)
        {
            return $"The username must be {UsernameMinLength} to {UsernameMaxLength} characters long.";
        }

        // ASCII only: it keeps look-alike names (Cyrillic "а" vs Latin "a") from impersonating each other.
        foreach (var c in username)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-'))
            {
                return "The username may contain only letters A-Z and a-z, digits, '_', '.' and '-'.";
            }
        }

        return null;
    }

    /// <summary>
    /// NIST SP 800-63B style: a length range and no composition rules (any characters, spaces included), but not a
    /// password from the common/breached list, nor the username itself.
    /// </summary>
    public static string? CheckPassword(string? password, string? username = null)
    {
        if (string.IsNullOrEmpty(password))
        {
            return "A password is required.";
        }

        if (password.Length is < PasswordMinLength or > PasswordMaxLength)
        {
            return $"The password must be {PasswordMinLength} to {PasswordMaxLength} characters long.";
        }

        if (CommonPasswords.Contains(password))
        {
            return "This password is one of the most common (it appears in lists of breached passwords); choose a longer, less guessable one, such as a few unrelated words.";
        }

        return !string.IsNullOrEmpty(username) && string.Equals(password.Trim(), username, StringComparison.OrdinalIgnoreCase)
            ? "The password must not be the username."
            : null;
    }

    /// <summary>The display name to store: trimmed, or the username when none was given.</summary>
    public static string NormalizeDisplayName(string? displayName, string username) =>
        string.IsNullOrWhiteSpace(displayName) ? username : displayName.Trim();

    /// <summary>Checks a display name after <see cref="NormalizeDisplayName"/>.</summary>
    public static string? CheckDisplayName(string displayName)
    {
        if (displayName.Length is 0 or > DisplayNameMaxLength)
        {
            return $"The display name must be 1 to {DisplayNameMaxLength} characters long.";
        }

        // Control characters and line breaks would let a name forge lines in other people's chat views and logs.
        var rest = displayName.AsSpan();
        while (!rest.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(rest, out var rune, out var consumed) != System.Buffers.OperationStatus.Done)
            {
                return "The display name contains invalid text.";
            }

            var category = Rune.GetUnicodeCategory(rune);
            if (category is UnicodeCategory.Control or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator)
            {
                return "The display name must not contain control characters or line breaks.";
            }

            rest = rest[consumed..];
        }

        return null;
    }
}
