namespace ChatStreams.Identity.Tests;

public sealed class UserAccountTests
{
    [Fact]
    public void ToString_NeverShowsTheHash()
    {
        var account = new UserAccount(UserAccount.NewUserId(), "frank", "Frank", "$argon2id$secret-hash", DateTimeOffset.UnixEpoch);

        Assert.DoesNotContain("secret-hash", account.ToString());
        Assert.Contains("frank", account.ToString());
    }
}
