using Syncwarden.Configuration;

namespace Syncwarden.Tls;

/// <summary>
/// One rsync daemon module of <c>syncwarden serve</c>: a push job's destination (write only) or a pull job's source (read
/// only). <see cref="OnlyFiles"/>, when set, are the only names at the module's root that can be read; everything else
/// is hidden by the daemon's filter (the standby pair's marker module).
/// </summary>
public sealed record TlsModule(string Name, string Path, bool ReadOnly, string Job, int Sync, IReadOnlyList<string>? OnlyFiles = null);

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

    /// <summary>
    /// Every module host <paramref name="hostName"/> serves: one per sync of each rsync-tls job that pushes to or pulls
    /// from it, and the standby pair's modules when it is this machine's side of an rsync-tls pair.
    /// </summary>
    public static IReadOnlyList<TlsModule> ServedBy(SyncwardenConfig config, string hostName) =>
    [
        .. config.Jobs
            .Where(j => j.Host == hostName && j.HostConfig is { UsesTls: true } && j.Direction is Direction.Push or Direction.Pull && !IsStandbyPair(config, j))
            .SelectMany(j => j.Syncs.Select((s, i) => new TlsModule(NameOf(j, i), RemotePathOf(j, s), j.Direction == Direction.Pull, j.Name, i + 1))),
        .. StandbyModules(config, hostName),
    ];

    /// <summary>
    /// The standby pair's modules on this machine, for each of its data folders: <c>standby.N</c>, written only, where
    /// the peer's push (the job <c>standby</c>, whose module names the peer computes from the same file) and its marker
    /// go; <c>standby.N.markers</c>, read only, which shows nothing but the marker and the claim (the peer's fencing
    /// check); <c>standby.N.data</c>, read only, the data for the peer's rejoin. Served only when
    /// <paramref name="hostName"/> is this machine and the peer reaches it over rsync-tls (this host's transport: the
    /// same file on both machines says how the peer connects). The suffixes end in letters, so no job's
    /// <c>JOB.N</c> can collide with them.
    /// </summary>
    public static IReadOnlyList<TlsModule> StandbyModules(SyncwardenConfig config, string hostName)
    {
        if (config.Standby is not { } standby || standby.ThisHost != hostName || !config.Hosts.TryGetValue(hostName, out var host) || !host.UsesTls)
        {
            return [];
        }
        var modules = new List<TlsModule>();
        for (var i = 0; i < standby.LocalPaths.Count; i++)
        {
            var folder = standby.LocalPaths[i];
            modules.Add(new TlsModule(StandbyPushModule(i), folder, ReadOnly: false, StandbySettings.JobName, i + 1));
            modules.Add(new TlsModule(StandbyPushModule(i) + MarkerSuffix, folder, ReadOnly: true, StandbySettings.JobName, i + 1,
                [Standby.StandbyMarker.FileName, Standby.StandbyMarker.ClaimFileName]));
            modules.Add(new TlsModule(StandbyPushModule(i) + DataSuffix, folder, ReadOnly: true, StandbySettings.JobName, i + 1));
        }
        return modules;
    }

    /// <summary>The pair's own job pushes to the peer's folders: the peer serves those, and this machine only its own (above).</summary>
    private static bool IsStandbyPair(SyncwardenConfig config, JobConfig job) => config.Standby is not null && job.Name == StandbySettings.JobName;

    private const string MarkerSuffix = ".markers";
    private const string DataSuffix = ".data";

    /// <summary>The module the pair's push of sync <paramref name="syncIndex"/> writes to: <see cref="NameOf"/> of the peer's job <c>standby</c>.</summary>
    private static string StandbyPushModule(int syncIndex) =>
        StandbySettings.JobName + "." + (syncIndex + 1).ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A marker or claim file in the peer's folder <paramref name="syncIndex"/>: read through the marker module, written through the push module.</summary>
    public static string StandbyMarkerSpec(HostConfig peer, int syncIndex, string fileName, bool write) =>
        $"{AuthUser}@{peer.Name}::{StandbyPushModule(syncIndex)}{(write ? "" : MarkerSuffix)}/{fileName}";

    /// <summary>The whole of the peer's folder <paramref name="syncIndex"/>, read only (rejoin's pull).</summary>
    public static string StandbyDataSpec(HostConfig peer, int syncIndex) => $"{AuthUser}@{peer.Name}::{StandbyPushModule(syncIndex)}{DataSuffix}/";

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
