using MongoDB.Bson.Serialization.Attributes;

namespace ChatStreams.Identity;

/// <summary>
/// One account as stored in MongoDB. Element names are spelled out so a convention pack registered elsewhere in the
/// process (camel case, ignore-if-null, ...) cannot change the stored shape or the index it relies on.
/// </summary>
[BsonIgnoreExtraElements]
internal sealed class MongoUserDocument
{
    public const string UsernameNormalizedField = "usernameNormalized";
    public const string DisplayNameNormalizedField = "displayNameNormalized";
    public const string UsernameField = "username";
    public const string DisplayNameField = "displayName";
    public const string PasswordHashField = "passwordHash";

    [BsonId]
    public string UserId { get; set; } = "";

    [BsonElement(UsernameField)]
    public string Username { get; set; } = "";

    /// <summary>Lower-cased username; the unique index on it decides which of racing registrations gets a name.</summary>
    [BsonElement(UsernameNormalizedField)]
    public string UsernameNormalized { get; set; } = "";

    [BsonElement(DisplayNameField)]
    public string DisplayName { get; set; } = "";

    /// <summary>Lower-cased display name, so search compares against one stored form instead of a case-folding regex.</summary>
    [BsonElement(DisplayNameNormalizedField)]
    public string DisplayNameNormalized { get; set; } = "";

    [BsonElement(PasswordHashField)]
    public string PasswordHash { get; set; } = "";

    /// <summary>A BSON date (millisecond precision, UTC), so operators can query and sort it in the shell.</summary>
    [BsonElement("createdAt")]
    [BsonDateTimeOptions(Kind = DateTimeKind.Utc)]
    public DateTime CreatedAt { get; set; }

    public static MongoUserDocument From(UserAccount account) => new()
    {
        UserId = account.UserId,
        Username = account.Username,
        UsernameNormalized = UserAccount.NormalizeUsername(account.Username),
        DisplayName = account.DisplayName,
        DisplayNameNormalized = account.DisplayName.ToLowerInvariant(),
        PasswordHash = account.PasswordHash,
        // Truncated here rather than by the serializer, so the account handed back after insert equals the stored one.
        CreatedAt = TruncateToMilliseconds(account.CreatedAt.UtcDateTime),
    };

    public UserAccount ToAccount() =>
        new(UserId, Username, DisplayName, PasswordHash, new DateTimeOffset(DateTime.SpecifyKind(CreatedAt, DateTimeKind.Utc)));

    public UserProfile ToProfile() => new(UserId, Username, DisplayName);

    private static DateTime TruncateToMilliseconds(DateTime utc) =>
        new(utc.Ticks - utc.Ticks % TimeSpan.TicksPerMillisecond, DateTimeKind.Utc);
}
