using System.Reflection;

namespace ChatStreams.Identity;

/// <summary>
/// A small embedded list of the most used and most breached passwords (common-passwords.txt), refused at registration
/// as NIST SP 800-63B asks. No network look-up: the list ships with the binary.
/// </summary>
public static class CommonPasswords
{
    private static readonly Lazy<HashSet<string>> List = new(Load);

    public static bool Contains(string password) => List.Value.Contains(password.Trim());

    public static int Count => List.Value.Count;

    private static HashSet<string> Load()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream("ChatStreams.Identity.common-passwords.txt")
            ?? throw new InvalidOperationException("the embedded common-passwords.txt is missing from ChatStreams.Identity");
        using var reader = new StreamReader(stream);
        var set = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        while (reader.ReadLine() is { } line)
        {
            if (line.Length > 0 && !line.StartsWith('#')) set.Add(line.Trim());
        }

        return set;
    }
}
