using ChatStreams.Deployment.Tests.Model;

namespace ChatStreams.Deployment.Tests;

/// <summary>Rules every service in docker-compose.kafka.yml follows, whatever it runs.</summary>
public sealed class ComposeServiceTests
{
    private static ComposeFile Compose => DeploymentFiles.Compose;

    [Fact]
    public void EveryService_HasAnImageOrABuild()
    {
        var missing = Compose.Services.Values.Where(s => s.Image is null && s.Build is null).Select(s => s.Name);
        Assert.Empty(missing);
    }

    [Fact]
    public void EveryService_DeclaresAKnownRole()
    {
        var unknown = Compose.Services.Values
            .Where(s => s.Role is null || !ServiceRoles.All.Contains(s.Role))
            .Select(s => $"{s.Name} ({s.Role ?? "no role"})");
        Assert.Empty(unknown);
    }

    [Fact]
    public void EveryServer_HasAHealthcheck()
    {
        var servers = Compose.WithRole(ServiceRoles.Server).ToList();
        Assert.NotEmpty(servers);
        Assert.Empty(servers.Where(s => !s.HasHealthcheck).Select(s => s.Name));
    }

    [Fact]
    public void EveryServer_KeepsItsStateInANamedVolume_OrInKafka()
    {
        var offenders = new List<string>();
        foreach (var server in Compose.WithRole(ServiceRoles.Server))
        {
            var namedVolumes = server.Volumes.Where(Compose.NamedVolumes.Contains).ToList();
            var stateInKafka = server.Labels.GetValueOrDefault(ServiceRoles.StateLabel) == "kafka"
                && server.Environment.Keys.Any(k => k.Contains("BOOTSTRAP", StringComparison.OrdinalIgnoreCase));
            if (namedVolumes.Count == 0 && !stateInKafka)
            {
                offenders.Add(server.Name);
            }
        }

        Assert.Empty(offenders);
    }

    [Fact]
    public void EveryVolumeAServiceMounts_IsANamedVolumeDeclaredAtTopLevel()
    {
        // Host paths would tie the stack to one machine's folders; named volumes survive `down` and `up`.
        var undeclared = Compose.Services.Values
            .SelectMany(s => s.Volumes.Select(v => (Service: s.Name, Volume: v)))
            .Where(m => !Compose.NamedVolumes.Contains(m.Volume))
            .Select(m => $"{m.Service}: {m.Volume}");
        Assert.Empty(undeclared);
    }

    [Fact]
    public void NoTwoServices_ShareAVolume()
    {
        var shared = Compose.Services.Values
            .SelectMany(s => s.Volumes.Select(v => (Service: s.Name, Volume: v)))
            .GroupBy(m => m.Volume)
            .Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(m => m.Service))}");
        Assert.Empty(shared);
    }

    [Fact]
    public void EveryInitJob_RunsOnceAndIsNeverRestarted()
    {
        var inits = Compose.WithRole(ServiceRoles.Init).ToList();
        Assert.NotEmpty(inits);
        Assert.Empty(inits.Where(s => s.Restart is not null && s.Restart != "no").Select(s => s.Name));
    }

    [Fact]
    public void EveryDependsOnTarget_IsAServiceInTheFile()
    {
        var dangling = Compose.Services.Values
            .SelectMany(s => s.DependsOn.Keys.Select(target => (Service: s.Name, Target: target)))
            .Where(d => !Compose.Services.ContainsKey(d.Target))
            .Select(d => $"{d.Service} -> {d.Target}");
        Assert.Empty(dangling);
    }

    [Fact]
    public void EveryDependency_WaitsForWhatItsTargetCanReport()
    {
        // Waiting only for "started" would let a process race a server that is still booting.
        var wrong = new List<string>();
        foreach (var service in Compose.Services.Values)
        {
            foreach (var (target, condition) in service.DependsOn)
            {
                if (!Compose.Services.TryGetValue(target, out var dependency))
                {
                    continue; // reported by EveryDependsOnTarget_IsAServiceInTheFile
                }

                var expected = dependency.Role == ServiceRoles.Init ? "service_completed_successfully"
                    : dependency.HasHealthcheck ? "service_healthy"
                    : null;
                if (expected is null || condition != expected)
                {
                    wrong.Add($"{service.Name} -> {target}: {condition}, expected {expected ?? "a healthcheck on the target"}");
                }
            }
        }

        Assert.Empty(wrong);
    }

    [Fact]
    public void EveryProcess_WaitsForTheChatTopics()
    {
        var topicJobs = Compose.WithRole(ServiceRoles.Init)
            .Where(s => s.Command.Any(c => c.Contains("kafka-topics.sh", StringComparison.Ordinal) && c.Contains("--create", StringComparison.Ordinal)))
            .Select(s => s.Name)
            .ToHashSet();
        Assert.NotEmpty(topicJobs);

        var processes = Compose.WithRole(ServiceRoles.Process).ToList();
        Assert.NotEmpty(processes);
        var notWaiting = processes.Where(p => !DependsTransitivelyOnAny(p, topicJobs)).Select(p => p.Name);
        Assert.Empty(notWaiting);
    }

    [Fact]
    public void PublishedHostPorts_AreUnique()
    {
        var clashes = Compose.Services.Values
            .SelectMany(s => s.Ports.Where(p => p.HostPort is not null).Select(p => (Service: s.Name, Port: p.HostPort!.Value)))
            .GroupBy(p => p.Port)
            .Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(p => p.Service))}");
        Assert.Empty(clashes);
    }

    private static bool DependsTransitivelyOnAny(ComposeService start, IReadOnlySet<string> targets)
    {
        var seen = new HashSet<string>();
        var pending = new Stack<string>(start.DependsOn.Keys);
        while (pending.TryPop(out var name))
        {
            if (targets.Contains(name))
            {
                return true;
            }

            if (seen.Add(name) && Compose.Services.TryGetValue(name, out var next))
            {
                foreach (var dependency in next.DependsOn.Keys)
                {
                    pending.Push(dependency);
                }
            }
        }

        return false;
    }
}
