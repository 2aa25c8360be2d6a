using Syncwarden.Standby;
using YamlDotNet.RepresentationModel;

namespace Syncwarden.Configuration;

public static partial class ConfigLoader
{
    /// <summary>Names this machine in a standby pair; overrides this-host: so one file serves both machines.</summary>
    public const string ThisHostEnvironmentVariable = "SYNCWARDEN_THIS_HOST";

    private static readonly string[] StandbyKeys =
    [
        "primary", "standby", "schedule", "every", "catch-up", "timeout", "syncs", "exclude", "options", "databases", "dump-dir",
        "promote-hooks", "stop-hooks", "max-lag", "handover-timeout", "io-timeout",
    ];

    private const string StandbyExample = "standby: { primary: alpha, standby: beta, every: { minutes: 15 }, syncs: [{ source: /srv/data, destination: /srv/data }] }";

    /// <summary>
    /// Binds standby: into its settings and the job the pair runs as. Null when the section is wrong (reported), or
    /// when this machine is neither of the pair (reported too: the file would do nothing here).
    /// </summary>
    private static (StandbySettings Settings, JobConfig Job)? BindStandby(
        YamlNode node, MappingView top, IReadOnlyDictionary<string, HostConfig> hosts, IReadOnlyList<JobConfig> jobs, ConfigReader reader)
    {
        if (reader.Map(node, "standby", StandbyKeys, StandbyExample) is not { } map)
        {
            return null;
        }
        var primary = StandbyHost(map, "primary", hosts, reader);
        var standby = StandbyHost(map, "standby", hosts, reader);
        if (primary is not null && primary == standby)
        {
            reader.Error(map.Get("standby")!, map.PathOf("standby"), $"the primary and the standby are the same host '{primary}'",
                "name two different entries of hosts:, one per machine");
            primary = null;
        }
        if (jobs.Any(j => j.Name == StandbySettings.JobName))
        {
            reader.Error(node, "standby", $"the standby pair runs as the job '{StandbySettings.JobName}', and jobs: already has a job of that name",
                "rename that job");
        }
        var syncs = map.Require("syncs", "syncs: [{ source: /srv/data, destination: /srv/data }]") is { } syncsNode
            ? BindStandbySyncs(syncsNode, map.PathOf("syncs"), reader)
            : null;
        var (thisHost, thisHostNode, thisHostFrom) = ResolveThisHost(top, reader);
        if (primary is null || standby is null || syncs is null || thisHost is null)
        {
            return null;
        }
        if (thisHost != primary && thisHost != standby)
        {
            reader.Error(thisHostNode ?? node, thisHostNode is null ? "standby" : "this-host",
                $"this machine is '{thisHost}' ({thisHostFrom}), which is neither the primary '{primary}' nor the standby '{standby}' of the standby pair",
                $"set this-host: (or ${ThisHostEnvironmentVariable}) to {primary} or {standby}, the names of hosts: entries");
            return null;
        }

        var isPrimary = thisHost == primary;
        var peerName = isPrimary ? standby : primary;
        var local = syncs.Select(s => (isPrimary ? s.Source : s.Destination).TrimEnd('/')).ToList();
        var peer = syncs.Select(s => (isPrimary ? s.Destination : s.Source).TrimEnd('/')).ToList();
        var settings = new StandbySettings
        {
            Primary = primary, Standby = standby, ThisHost = thisHost, Peer = hosts[peerName], LocalPaths = local, PeerPaths = peer,
            MaxLag = map.Get("max-lag") is { } lag && reader.Duration(lag, map.PathOf("max-lag"), allowZero: false, "max-lag: 1h") is { } l ? l : StandbySettings.DefaultMaxLag,
            HandoverTimeout = map.Get("handover-timeout") is { } ht && reader.Duration(ht, map.PathOf("handover-timeout"), allowZero: false, "handover-timeout: 2m") is { } h
                ? h : StandbySettings.DefaultHandoverTimeout,
            PromoteHooks = map.Get("promote-hooks") is { } promote ? BindHookList(promote, map.PathOf("promote-hooks"), jobHasHost: false, reader) : [],
            StopHooks = map.Get("stop-hooks") is { } stop ? BindHookList(stop, map.PathOf("stop-hooks"), jobHasHost: false, reader) : [],
        };

        // The marker at each destination root is neither sent nor deleted: an exclude rule hides it on both sides.
        var job = new JobConfig
        {
            Name = StandbySettings.JobName,
            Direction = Direction.Push,
            Host = peerName,
            HostConfig = hosts[peerName],
            Syncs = [.. syncs.Select((s, i) => s with { Source = local[i] + "/", Destination = peer[i] + "/" })],
            Exclude = [StandbyMarker.ExcludeRule, .. OptionalTextList(map, "exclude", "exclude: ['*.tmp']", reader) ?? []],
            Options = ["--delete", .. map.Get("options") is { } options ? BindStandbyOptions(options, map.PathOf("options"), reader) : []],
        };
        // A push whose link was cut must end rather than resume into a standby that was promoted meanwhile.
        var ioTimeout = map.Get("io-timeout") is { } io && reader.Duration(io, map.PathOf("io-timeout"), allowZero: false, "io-timeout: 2m") is { } iot ? iot : StandbySettings.DefaultIoTimeout;
        job = job with { Options = [.. job.Options, "--timeout=" + ((long)Math.Ceiling(ioTimeout.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture)] };
        job = BindSchedule(map, job, reader);
        if (map.Get("timeout") is { } timeout && reader.Duration(timeout, map.PathOf("timeout"), allowZero: false, "timeout: 6h") is { } t)
        {
            job = job with { Timeout = t };
        }
        // The dumps are written on whichever machine is primary: dump-dir is given as a path on the configured
        // primary (inside a source), and the configured standby writes into the matching place of its destination.
        var asConfigured = BindDatabases(map, job with { Syncs = syncs }, directionKnown: true, reader);
        job = job with { Databases = asConfigured.Databases, DumpDir = isPrimary ? asConfigured.DumpDir : MapToDestination(asConfigured.DumpDir, syncs) };
        return (settings, job);
    }

    private static string? StandbyHost(MappingView map, string key, IReadOnlyDictionary<string, HostConfig> hosts, ConfigReader reader)
    {
        if (map.Require(key, $"{key}: <an entry of hosts:>") is not { } node || reader.Text(node, map.PathOf(key), $"{key}: alpha") is not { } name)
        {
            return null;
        }
        if (hosts.ContainsKey(name))
        {
            return name;
        }
        var hint = ConfigReader.Nearest(name, hosts.Keys) is { } near ? $"did you mean '{near}'?"
            : $"define it under hosts: (how the other machine reaches this one), e.g. hosts: {{ {name}: {{ address: {name}.example.net }} }}";
        reader.Error(node, map.PathOf(key), $"host '{name}' is not defined under hosts:", hint);
        return null;
    }

    /// <summary>$SYNCWARDEN_THIS_HOST, else this-host:, else the hostname; with the node to point errors at and where the name came from.</summary>
    private static (string? Name, YamlNode? Node, string From) ResolveThisHost(MappingView top, ConfigReader reader)
    {
        var node = top.Get("this-host");
        var fromFile = node is null ? null : reader.Text(node, "this-host", "this-host: alpha");
        if (Environment.GetEnvironmentVariable(ThisHostEnvironmentVariable) is { Length: > 0 } fromEnvironment)
        {
            return (fromEnvironment, node, $"from ${ThisHostEnvironmentVariable}");
        }
        if (node is not null)
        {
            return (fromFile, node, "from this-host:");
        }
        return (Environment.MachineName, null, "the hostname; set this-host: or $" + ThisHostEnvironmentVariable + " to name it otherwise");
    }

    private static List<SyncPair>? BindStandbySyncs(YamlNode node, string path, ConfigReader reader)
    {
        if (reader.Sequence(node, path, "syncs: [{ source: /srv/data, destination: /srv/data }]") is not { } items)
        {
            return null;
        }
        if (items.Count == 0)
        {
            reader.Error(node, path, "a standby pair needs at least one entry under syncs", "e.g. syncs: [{ source: /srv/data, destination: /srv/data }]");
            return null;
        }
        var pairs = new List<SyncPair>();
        var ok = true;
        foreach (var (item, itemPath) in items)
        {
            if (BindSync(item, itemPath, direction: null, reader) is not { } pair)
            {
                ok = false;
                continue;
            }
            // Both sides are data folders of one machine or the other, and the roles swap: both must be absolute folders.
            foreach (var (key, value) in new[] { ("source", pair.Source), ("destination", pair.Destination) })
            {
                if (!value.StartsWith('/') || value.TrimEnd('/').Length == 0)
                {
                    reader.Error(ValueOf(item, key), ConfigReader.Join(itemPath, key), $"a standby sync's {key} must be an absolute folder other than /, got \"{value}\"",
                        $"e.g. {key}: /srv/data; the {key} is a folder on the {(key == "source" ? "primary" : "standby")}");
                    ok = false;
                }
            }
            if (pair.Options.Contains("--delete-excluded"))
            {
                reader.Error(ValueOf(item, "options"), ConfigReader.Join(itemPath, "options"), "--delete-excluded would delete the standby marker (the epoch) at the destination",
                    "remove it; a standby sync already deletes what the source no longer has");
                ok = false;
            }
            pairs.Add(pair);
        }
        return ok ? pairs : null;
    }

    /// <summary>The value of <paramref name="key"/> in a mapping already read, to point an error at; the mapping itself if absent.</summary>
    private static YamlNode ValueOf(YamlNode mapping, string key) =>
        mapping is YamlMappingNode m && m.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : mapping;

    private static List<string> BindStandbyOptions(YamlNode node, string path, ConfigReader reader)
    {
        var options = BindRsyncOptions(node, path, reader);
        if (options.Contains("--delete-excluded"))
        {
            reader.Error(node, path, "--delete-excluded would delete the standby marker (the epoch) at the destination",
                "remove it; a standby sync already deletes what the source no longer has");
        }
        return options;
    }

    private static string? MapToDestination(string? dumpDir, IReadOnlyList<SyncPair> syncs)
    {
        if (dumpDir is null)
        {
            return null;
        }
        foreach (var sync in syncs)
        {
            var root = sync.Source.TrimEnd('/');
            if (dumpDir == root || dumpDir.StartsWith(root + "/", StringComparison.Ordinal))
            {
                return sync.Destination.TrimEnd('/') + dumpDir[root.Length..];
            }
        }
        return dumpDir;
    }
}
