namespace ChatStreams.Edge.Tests;

public sealed class EdgeOptionsTests
{
    [Fact]
    public void Trusted_proxies_must_be_networks_in_cidr_form()
    {
        Assert.Empty(new EdgeOptions { Id = "edge-0", TrustedProxies = ["10.42.0.0/16", "fd00::/8"] }.Validate());
        var problems = new EdgeOptions { Id = "edge-0", TrustedProxies = ["gateway", "10.0.0.0/33"] }.Validate();
        Assert.Equal(2, problems.Count);
        Assert.All(problems, p => Assert.Contains("Edge:TrustedProxies", p));
    }
}
