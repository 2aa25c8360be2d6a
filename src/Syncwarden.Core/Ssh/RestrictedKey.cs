using Syncwarden.Configuration;

namespace Syncwarden.Ssh;

/// <summary>The folder a host's restricted key may reach: the common parent of the remote paths of the jobs on that host.</summary>
public sealed record KeyScope(string Root, bool ReadOnly, IReadOnlyList<string> Jobs);

/// <summary>
/// What a key restricted to rsync (rrsync's forced command, <c>keys install</c>) allows: the scope it is installed
/// with, and the job features that need more than rsync on its host and so need a full login.
/// </summary>
public static class RestrictedKey
{
    /// <summary>
    /// The scope for the host's key: the deepest folder holding every remote path of the push and pull jobs on the host
    /// (a push job's destinations, a pull job's sources), read-only when all of them are pulls. Null with a reason when
    /// no job uses the host or a remote path is not absolute (rrsync reads relative paths from its own folder).
    /// </summary>
    public static (KeyScope? Scope, string? Error) ScopeOf(SyncwardenConfig config, string hostName)
    {
        var jobs = config.Jobs.Where(j => j.Host == hostName && j.Direction != Direction.Local).ToList();
        if (jobs.Count == 0)
        {
            return (null, $"no push or pull job uses host '{hostName}', so there is no folder to restrict its key to; add the jobs first");
        }
        var paths = new List<string>();
        foreach (var job in jobs)
        {
            foreach (var sync in job.Syncs)
            {
                var remote = job.Direction == Direction.Push ? sync.Destination : sync.Source;
                if (!remote.StartsWith('/'))
                {
                    return (null, $"job '{job.Name}': the remote path \"{remote}\" is not absolute; a restricted key needs absolute remote paths (rrsync resolves the rest in its own folder)");
                }
                if (remote.Contains('\n', StringComparison.Ordinal) || remote.Contains('\r', StringComparison.Ordinal))
                {
                    return (null, $"job '{job.Name}': the remote path has a line break, which an authorized_keys line cannot hold");
                }
                paths.Add(Normalize(remote));
            }
        }
        return (new KeyScope(CommonParent(paths), jobs.All(j => j.Direction == Direction.Pull), [.. jobs.Select(j => j.Name)]), null);
    }

    /// <summary>
    /// The deepest folder holding all <paramref name="paths"/> (absolute, normalised): one path is its own root (a
    /// destination folder, or a source folder read with or without its trailing slash).
    /// </summary>
    public static string CommonParent(IReadOnlyList<string> paths)
    {
        var parts = paths.Select(p => p.Split('/', StringSplitOptions.RemoveEmptyEntries)).ToList();
        var common = new List<string>();
        for (var i = 0; parts.All(p => p.Length > i) && parts.Select(p => p[i]).Distinct(StringComparer.Ordinal).Count() == 1; i++)
        {
            common.Add(parts[0][i]);
        }
        return "/" + string.Join('/', common);
    }

    /// <summary>Removes a trailing slash, empty and "." components; ".." is resolved textually (rrsync resolves links itself).</summary>
    private static string Normalize(string path)
    {
        var stack = new List<string>();
        foreach (var part in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (part == ".")
            {
                continue;
            }
            if (part == "..")
            {
                if (stack.Count > 0)
                {
                    stack.RemoveAt(stack.Count - 1);
                }
                continue;
            }
            stack.Add(part);
        }
        return "/" + string.Join('/', stack);
    }

    /// <summary>
    /// The features of every job that run something other than rsync on <paramref name="hostName"/> (remote hooks,
    /// remote locks, destination snapshots, source snapshots, verify), each as "job 'NAME': what".
    /// </summary>
    public static IReadOnlyList<string> FullLoginFeatures(SyncwardenConfig config, string hostName) =>
        [.. config.Jobs.SelectMany(j => FeaturesOn(j, hostName, withVerify: true).Select(f => $"job '{j.Name}': {f}"))];

    /// <summary>
    /// The features of <paramref name="job"/>'s runs (or, with <paramref name="verify"/>, of its verify) that need a full
    /// login on a host whose key is restricted.
    /// </summary>
    public static IReadOnlyList<string> FullLoginFeatures(SyncwardenConfig config, JobConfig job, bool verify = false) =>
        [.. config.Hosts.Values.Where(h => h.ManagedKey).OrderBy(h => h.Name, StringComparer.Ordinal)
            .SelectMany(h => (verify ? VerifyOn(job, h.Name) : FeaturesOn(job, h.Name, withVerify: false)).Select(f => $"{f} (host '{h.Name}')"))];

    private static IEnumerable<string> VerifyOn(JobConfig job, string hostName)
    {
        if (job.Host == hostName && job.Direction != Direction.Local)
        {
            yield return ShellFeatures.VerifyText;
        }
    }

    /// <summary>What needs a shell on the host, once each (locks and blocks-on say the same).</summary>
    private static IEnumerable<string> FeaturesOn(JobConfig job, string hostName, bool withVerify) =>
        ShellFeatures.On(job, hostName, withVerify).Select(f => f.What).Distinct(StringComparer.Ordinal);
}
