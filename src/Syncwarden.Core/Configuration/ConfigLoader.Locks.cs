using YamlDotNet.RepresentationModel;

namespace Syncwarden.Configuration;

public static partial class ConfigLoader
{
    // A property, not a field: static field initialisers of partial files run in no guaranteed order.
    private static string[] LockJobKeys => ["locks", "blocks-on", "blocks-on-poll", "blocks-on-timeout"];

    /// <summary>Binds locks, blocks-on, blocks-on-poll and blocks-on-timeout of one job.</summary>
    private static JobConfig BindJobLocks(JobConfig job, MappingView map, IReadOnlyDictionary<string, HostConfig> hosts, ConfigReader reader)
    {
        if (map.Get("locks") is { } locks)
        {
            job = job with { Locks = BindLockRefs(locks, map.PathOf("locks"), hosts, allowGlobs: false, reader) };
        }
        if (map.Get("blocks-on") is { } blocksOn)
        {
            job = job with { BlocksOn = BindLockRefs(blocksOn, map.PathOf("blocks-on"), hosts, allowGlobs: true, reader) };
        }
        var settings = job.BlocksOnSettings;
        if (map.Get("blocks-on-poll") is { } poll
            && reader.Duration(poll, map.PathOf("blocks-on-poll"), allowZero: false, "blocks-on-poll: 30s") is { } p)
        {
            settings = settings with { Poll = p };
        }
        if (map.Get("blocks-on-timeout") is { } timeout)
        {
            // "none" (or 0) waits for ever; any other duration bounds the wait.
            if (timeout is YamlScalarNode { Value: "none" or "never" })
            {
                settings = settings with { Timeout = null };
            }
            else if (reader.Duration(timeout, map.PathOf("blocks-on-timeout"), allowZero: true, "blocks-on-timeout: 8h") is { } t)
            {
                settings = settings with { Timeout = t == TimeSpan.Zero ? null : t };
            }
        }
        return job with { BlocksOnSettings = settings };
    }

    private static List<LockRef> BindLockRefs(YamlNode node, string path, IReadOnlyDictionary<string, HostConfig> hosts, bool allowGlobs, ConfigReader reader)
    {
        var refs = new List<LockRef>();
        var example = allowGlobs ? "blocks-on: [/var/lock/veeam/*.lock, \"nas1:/srv/locks/other.lock\"]" : "locks: [/var/lock/sw-nightly.lock, \"nas1:/srv/locks/replica.lock\"]";
        foreach (var (value, item, itemPath) in reader.TextList(node, path, example) ?? [])
        {
            if (ParseLockRef(value, out var problem, out var hint) is not { } lockRef)
            {
                reader.Error(item, itemPath, problem!, hint);
                continue;
            }
            if (lockRef.Host is { } host && !hosts.ContainsKey(host))
            {
                var known = ConfigReader.Nearest(host, hosts.Keys) is { } near ? $"did you mean '{near}:'?"
                    : hosts.Count == 0 ? $"define it under hosts:, or write a local path starting with /" : $"defined hosts: {string.Join(", ", hosts.Keys)}";
                reader.Error(item, itemPath, $"host '{host}' in \"{value}\" is not defined under hosts:", known);
                continue;
            }
            if (!allowGlobs && Locks.LockGlob.IsPattern(lockRef.Path))
            {
                reader.Error(item, itemPath, $"a lock we hold must name one file, got the pattern \"{lockRef.Path}\"",
                    "wildcards (*, ?, [...]) are allowed in blocks-on only");
                continue;
            }
            refs.Add(lockRef);
        }
        return refs;
    }

    /// <summary>
    /// Parses "/local/path" or "host:/remote/path". Only absolute paths: a lock is shared between
    /// processes whose working directories differ. Returns null with a message when invalid.
    /// </summary>
    internal static LockRef? ParseLockRef(string text, out string? problem, out string? hint)
    {
        problem = null;
        hint = null;
        string? host = null;
        var path = text;
        if (!text.StartsWith('/'))
        {
            var colon = text.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && NamePattern().IsMatch(text[..colon]))
            {
                host = text[..colon];
                path = text[(colon + 1)..];
            }
        }
        if (!path.StartsWith('/'))
        {
            problem = host is null
                ? $"lock path \"{text}\" is relative"
                : $"lock path \"{path}\" on host '{host}' is relative";
            hint = host is null ? "write an absolute path such as /var/lock/syncwarden/nightly.lock, or host:/path for a lock on a configured host"
                : $"write {host}:/absolute/path";
            return null;
        }
        if (path.EndsWith('/') || path.Contains('\0', StringComparison.Ordinal))
        {
            problem = $"lock path \"{path}\" must name a file";
            hint = "e.g. /var/lock/syncwarden/nightly.lock";
            return null;
        }
        return new LockRef(host, path);
    }
}
