using Syncwarden.Configuration;

namespace Syncwarden.Tls;

/// <summary>One rsync daemon module of <c>syncwarden serve</c>: a push job's destination (write only) or a pull job's source (read only).</summary>
public sealed record TlsModule(string Name, string Path, bool ReadOnly, string Job, int Sync);

/// <summary>
/// Which modules a host serves over rsync-tls and how a sender names them. Both sides read the same configuration, so a
/// module is named after its job and sync (<c>JOB.N</c>, N from 1): a job name is a safe module name, and the numeric
/// suffix keeps every name unique.
/// </summary>
public static class TlsModules
{
    /// <summary>The rsync daemon user both sides use; its password is the pre-shared key line.</summary>
    public const string AuthUser = "syncwarden";

    public static string NameOf(JobConfig job, int syncIndex) => job.Name + "." + (syncIndex + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The module folder of a sync: its remote side (the destination of a push, the source of a pull).</summary>
    public static string RemotePathOf(JobConfig job, SyncPair sync)
    {
        var path = job.Direction == Direction.Push ? sync.Destination : sync.Source;
        var trimmed = path.TrimEnd('/');
        return trimmed.Length == 0 ? "/" : trimmed;
    }

    /// <summary>Every module host <paramref name="hostName"/> serves: one per sync of each rsync-tls job that pushes to or pulls from it.</summary>
    public static IReadOnlyList<TlsModule> ServedBy(SyncwardenConfig config, string hostName) =>
    [
        .. config.Jobs
            .Where(j => j.Host == hostName && j.HostConfig is { UsesTls: true } && j.Direction is Direction.Push or Direction.Pull)
            .SelectMany(j => j.Syncs.Select((s, i) => new TlsModule(NameOf(j, i), RemotePathOf(j, s), j.Direction == Direction.Pull, j.Name, i + 1))),
    ];

    /// <summary>
    /// <c>syncwarden@HOST::JOB.N/rest</c> for <paramref name="path"/> at or below one of the job's remote folders. The host
    /// part only labels the connection: the helper (stunnel) connects to the address and port of the host's tls: section.
    /// </summary>
    public static string RemoteSpec(JobConfig job, HostConfig host, string path)
    {
        var best = -1;
        var bestLength = -1;
        for (var i = 0; i < job.Syncs.Count; i++)
        {
            var root = RemotePathOf(job, job.Syncs[i]);
            var inside = path == root || path.StartsWith(root == "/" ? "/" : root + "/", StringComparison.Ordinal);
            if (inside && root.Length > bestLength)
            {
                best = i;
                bestLength = root.Length;
            }
        }
        if (best < 0)
        {
            throw new InvalidOperationException($"{path} is outside every module of job '{job.Name}' on host '{host.Name}'");
        }
        var rest = bestLength == 1 && path.StartsWith('/') ? path : path[bestLength..];
        return $"{AuthUser}@{host.Name}::{NameOf(job, best)}{rest}";
    }
}
