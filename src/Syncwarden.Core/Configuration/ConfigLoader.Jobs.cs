using System.Globalization;
using Syncwarden.Rsync;
using YamlDotNet.RepresentationModel;

namespace Syncwarden.Configuration;

public static partial class ConfigLoader
{
    private static readonly string[] JobKeys =
    [
        "direction", "host", "bandwidth", "syncs", "exclude", "include", "exclude-from", "include-from", "options",
        "allow-empty-source", "max-delete", "exit-codes", "retries", "timeout", "resume",
        "schedule", "every", "catch-up", "stale-after", "hooks", "plugins-dir", "device", "snapshots", .. DatabaseJobKeys,
        .. PointInTimeKeys,
        .. LockJobKeys, .. NotificationKeys,
    ];

    private static readonly string[] RetryKeys = ["count", "delay"];

    private static readonly (string, Direction)[] Directions =
        [("pull", Direction.Pull), ("push", Direction.Push), ("local", Direction.Local)];

    private static readonly (string, ExitCodeClass)[] ExitCodeClasses =
        [("success", ExitCodeClass.Success), ("warning", ExitCodeClass.Warning), ("failure", ExitCodeClass.Failure)];

    private static List<JobConfig> BindJobs(YamlNode node, IReadOnlyDictionary<string, HostConfig> hosts, ConfigReader reader)
    {
        var jobs = new List<JobConfig>();
        if (reader.Map(node, "jobs", [], "jobs: { nightly: { host: backup1, syncs: [...] } }") is not { } map)
        {
            return jobs;
        }
        foreach (var (key, value) in map.Entries)
        {
            var name = key.Value!;
            var path = map.PathOf(name);
            CheckName(key, name, path, "job", reader);
            if (BindJob(name, value, path, hosts, reader) is { } job)
            {
                jobs.Add(job);
            }
        }
        foreach (var (name, _, value) in map.Duplicates)
        {
            // The repeat itself was reported; its own mistakes are reported too, so fixing the name reveals no new ones.
            _ = BindJob(name, value, map.PathOf(name), hosts, reader);
        }
        return jobs;
    }

    private static JobConfig? BindJob(string name, YamlNode node, string path, IReadOnlyDictionary<string, HostConfig> hosts, ConfigReader reader)
    {
        if (reader.Map(node, path, JobKeys, $"{name}: {{ host: backup1, syncs: [{{ source: /srv, destination: /backup/srv }}] }}") is not { } map)
        {
            return null;
        }

        var (direction, directionKnown) = BindDirectionAndHost(map, hosts, reader, out var hostName);
        var job = new JobConfig
        {
            Name = name,
            Direction = direction,
            Host = hostName,
            HostConfig = hostName is not null && hosts.TryGetValue(hostName, out var host) ? host : null,
        };

        if (map.Require("syncs", "syncs: [{ source: /srv/data, destination: /backup/data }]") is { } syncs)
        {
            job = job with { Syncs = BindSyncs(syncs, map.PathOf("syncs"), directionKnown ? direction : null, reader) };
        }
        if (map.Get("bandwidth") is { } bandwidth
            && reader.Integer(bandwidth, map.PathOf("bandwidth"), 1, int.MaxValue, "a whole number of KiB/s", "bandwidth: 5000") is { } b)
        {
            job = job with { Bandwidth = (int)b };
        }
        job = job with
        {
            Exclude = OptionalTextList(map, "exclude", "exclude: ['*.tmp', '.cache/']", reader) ?? job.Exclude,
            Include = OptionalTextList(map, "include", "include: ['*.conf']", reader) ?? job.Include,
            ExcludeFrom = OptionalPathList(map, "exclude-from", "exclude-from: [/etc/syncwarden/excludes.txt]", "/etc/syncwarden/excludes.txt", reader) ?? job.ExcludeFrom,
            IncludeFrom = OptionalPathList(map, "include-from", "include-from: [/etc/syncwarden/includes.txt]", "/etc/syncwarden/includes.txt", reader) ?? job.IncludeFrom,
        };
        if (map.Get("options") is { } options)
        {
            job = job with { Options = BindRsyncOptions(options, map.PathOf("options"), reader) };
        }
        if (map.Get("allow-empty-source") is { } allowEmpty
            && reader.Boolean(allowEmpty, map.PathOf("allow-empty-source"), "allow-empty-source: true") is { } a)
        {
            job = job with { AllowEmptySource = a };
        }
        if (map.Get("resume") is { } resume
            && reader.Boolean(resume, map.PathOf("resume"), "resume: false") is { } r)
        {
            job = job with { Resume = r };
        }
        if (map.Get("max-delete") is { } maxDelete && BindDeleteLimit(maxDelete, map.PathOf("max-delete"), reader) is { } limit)
        {
            job = job with { MaxDelete = limit };
        }
        if (map.Get("exit-codes") is { } exitCodes)
        {
            job = job with { ExitCodes = BindExitCodes(exitCodes, map.PathOf("exit-codes"), reader) };
        }
        if (map.Get("retries") is { } retries)
        {
            job = job with { Retries = BindRetries(retries, map.PathOf("retries"), reader) };
        }
        if (map.Get("timeout") is { } timeout
            && reader.Duration(timeout, map.PathOf("timeout"), allowZero: false, "timeout: 6h") is { } t)
        {
            job = job with { Timeout = t };
        }
        job = BindSchedule(map, job, reader);
        job = BindStaleAfter(map, job, reader);
        if (map.Get("hooks") is { } hooks)
        {
            job = job with { Hooks = BindHooks(hooks, map.PathOf("hooks"), hostName is not null, reader) };
        }
        if (map.Get("plugins-dir") is { } pluginsDir && BindPluginsDir(pluginsDir, map.PathOf("plugins-dir"), reader) is { } dir)
        {
            job = job with { PluginsDir = dir };
        }
        job = BindDatabases(map, job, directionKnown, reader);
        job = BindJobLocks(job, map, hosts, reader);
        job = BindPointInTime(map, job, reader);
        job = job with { Notifications = BindJobNotifications(map, reader) };
        job = BindDevice(job, map, reader);
        job = BindSnapshots(map, job, reader);
        CheckJobTransport(map, job, hosts, reader);
        return job;
    }

    /// <summary>
    /// Direction defaults to pull when a host is named and local otherwise. The second value is false when the
    /// direction was written wrongly, so path checks that depend on it are skipped rather than guessed.
    /// </summary>
    private static (Direction, bool) BindDirectionAndHost(MappingView map, IReadOnlyDictionary<string, HostConfig> hosts, ConfigReader reader, out string? hostName)
    {
        hostName = null;
        var hostNode = map.Get("host");
        if (hostNode is not null)
        {
            hostName = reader.Text(hostNode, map.PathOf("host"), "host: backup1");
        }

        Direction? direction = null;
        var known = true;
        if (map.Get("direction") is { } directionNode)
        {
            direction = reader.Choice(directionNode, map.PathOf("direction"), Directions);
            known = direction is not null;
        }
        var effective = direction ?? (hostNode is not null ? Direction.Pull : Direction.Local);
        if (!known)
        {
            return (effective, false);
        }

        if (effective == Direction.Local && hostNode is not null)
        {
            reader.Error(hostNode, map.PathOf("host"), "a local job must not name a host",
                "remove host:, or set direction: pull or direction: push");
        }
        else if (effective != Direction.Local && hostNode is null)
        {
            var word = effective == Direction.Push ? "push" : "pull";
            reader.Error(map.Start, map.PathOf("host"), $"a {word} job needs a host",
                "add host: <name> naming an entry under hosts:, or set direction: local");
        }
        else if (hostNode is not null && hostName is not null && !hosts.ContainsKey(hostName))
        {
            var hint = ConfigReader.Nearest(hostName, hosts.Keys) is { } near
                ? $"did you mean '{near}'?"
                : hosts.Count == 0
                    ? $"define it under hosts:, e.g. hosts: {{ {hostName}: {{ address: {hostName}.example.net }} }}"
                    : $"defined hosts: {string.Join(", ", hosts.Keys)}";
            reader.Error(hostNode, map.PathOf("host"), $"host '{hostName}' is not defined under hosts:", hint);
        }
        return (effective, true);
    }

    private static List<string>? OptionalTextList(MappingView map, string key, string example, ConfigReader reader) =>
        map.Get(key) is { } node && reader.TextList(node, map.PathOf(key), example) is { } items
            ? items.Select(i => i.Value).ToList()
            : null;

    private static List<string>? OptionalPathList(MappingView map, string key, string example, string absoluteExample, ConfigReader reader) =>
        map.Get(key) is { } node && reader.TextList(node, map.PathOf(key), example) is { } items
            ? items.Where(i => reader.IsLocalPath(i.Value, i.Node, i.Path, absoluteExample)).Select(i => i.Value).ToList()
            : null;

    private static List<string> BindRsyncOptions(YamlNode node, string path, ConfigReader reader)
    {
        var options = new List<string>();
        foreach (var (value, item, itemPath) in reader.TextList(node, path, "options: [--hard-links, --numeric-ids]") ?? [])
        {
            if (RsyncOptionPolicy.Reject(value, out var hint) is { } problem)
            {
                reader.Error(item, itemPath, problem, hint);
                continue;
            }
            options.Add(value);
        }
        return options;
    }

    private static DeleteLimit? BindDeleteLimit(YamlNode node, string path, ConfigReader reader)
    {
        const string Hint = "a count such as max-delete: 500, or a share of the destination such as max-delete: \"10%\"";
        if (node is YamlScalarNode { Value: { } text } && !ConfigReader.IsNull(node))
        {
            if (text.EndsWith('%'))
            {
                if (double.TryParse(text[..^1], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var percent)
                    && percent > 0 && percent <= 100)
                {
                    return new DeleteLimit(null, percent);
                }
                reader.Error(node, path, $"expected a percentage above 0% and at most 100%, got \"{text}\"", Hint);
                return null;
            }
            if (long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var count))
            {
                if (count >= 1)
                {
                    return new DeleteLimit(count, null);
                }
                reader.Error(node, path, $"expected a count of at least 1, got {text}", Hint);
                return null;
            }
        }
        reader.Error(node, path, $"expected a number of files or a percentage, got {ConfigReader.Describe(node)}", Hint);
        return null;
    }

    private static Dictionary<int, ExitCodeClass> BindExitCodes(YamlNode node, string path, ConfigReader reader)
    {
        var codes = new Dictionary<int, ExitCodeClass>(JobConfig.DefaultExitCodes);
        if (reader.Map(node, path, [], "exit-codes: { 24: success }") is not { } map)
        {
            return codes;
        }
        foreach (var (key, value) in map.Entries)
        {
            var keyPath = map.PathOf(key.Value!);
            var code = reader.Integer(key, keyPath, 0, 255, "an rsync exit code", "exit-codes: { 24: success }");
            var cls = reader.Choice(value, keyPath, ExitCodeClasses);
            if (code is { } c && cls is { } k)
            {
                codes[(int)c] = k;
            }
        }
        return codes;
    }

    private static RetryPolicy BindRetries(YamlNode node, string path, ConfigReader reader)
    {
        var policy = new RetryPolicy();
        if (reader.Map(node, path, RetryKeys, "retries: { count: 2, delay: 10s }") is not { } map)
        {
            return policy;
        }
        if (map.Get("count") is { } count
            && reader.Integer(count, map.PathOf("count"), 0, int.MaxValue, "a whole number of retries", "count: 2") is { } c)
        {
            policy = policy with { Count = (int)c };
        }
        if (map.Get("delay") is { } delay && reader.Duration(delay, map.PathOf("delay"), allowZero: true, "delay: 30s") is { } d)
        {
            policy = policy with { Delay = d };
        }
        return policy;
    }
}
