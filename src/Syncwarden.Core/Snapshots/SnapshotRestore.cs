using Syncwarden.Configuration;
using Syncwarden.Processes;
using Syncwarden.Rsync;
using Syncwarden.Ssh;

namespace Syncwarden.Snapshots;

/// <summary>A restore as asked for: which snapshot, which path in it (empty: everything), and where to.</summary>
public sealed record RestoreRequest(string Snapshot, string? PathInSnapshot, string? To, bool InPlace, string? Destination = null);

/// <summary>A restore that was done: the rsync command and where the files went.</summary>
public sealed record RestoreResult(string Snapshot, string From, string Into, ProcessSpec Command);

/// <summary>
/// Copies a file, a folder or a whole snapshot back with rsync (-a, never --delete), keeping its path relative to
/// the snapshot: into a folder of the admin's choice, or over the live source only when asked (in place). A target
/// that is, holds or lies in a source of the job or the snapshot store is refused.
/// </summary>
public sealed class SnapshotRestore(SyncwardenConfig config, JobConfig job, ProcessRunner runner)
{
    public async Task<RestoreResult> RunAsync(RestoreRequest request, Action<string>? onOutput = null, CancellationToken cancellationToken = default)
    {
        if (!job.Snapshots.Enabled)
        {
            throw new SnapshotException($"job '{job.Name}' keeps no snapshots (set snapshots: {{ method: link-dest }} on it); its replica is a plain copy, restore from it with rsync (docs/operations.md, Disaster recovery)", usage: true);
        }
        var snapshots = new JobSnapshots(config, job, runner);
        var store = PickStore(snapshots, request.Destination);
        var relative = RelativePath(request.PathInSnapshot);
        var listing = await store.ListAsync(cancellationToken).ConfigureAwait(false);
        var name = request.Snapshot == SnapshotName.Latest ? listing.Latest ?? listing.Basis : request.Snapshot;
        if (name is null || !listing.Names.Contains(name))
        {
            var known = listing.Names.Count == 0 ? "there are none yet" : "newest: " + string.Join(", ", listing.Names.TakeLast(5).Reverse());
            throw new SnapshotException($"no snapshot '{request.Snapshot}' in {store.Display}; {known} (see syncwarden snapshots list {job.Name})", usage: true);
        }

        var (target, targetRemote) = Target(snapshots, store, request);
        var builder = new RsyncCommandBuilder(config, job);
        var snapshotRoot = store.PathOf(name);
        var from = relative.Length == 0 ? snapshotRoot + "/" : snapshotRoot + "/./" + relative;
        var args = new List<string> { "--archive", "--secluded-args", "--exclude=/.syncwarden-*" };
        if (relative.Length > 0)
        {
            args.Add("--relative");
        }
        args.AddRange(builder.RemoteShellOptions());
        args.Add("--");
        args.Add(store.RsyncPathOf(from));
        args.Add(targetRemote && job.HostConfig is { } host ? SshCommand.RemoteSpec(host, target + "/") : target + "/");
        if (!targetRemote)
        {
            Directory.CreateDirectory(target);
        }
        var spec = builder.Spec(args);
        var stderr = new System.Text.StringBuilder();
        var result = await runner.RunAsync(spec, onOutput, chunk => { lock (stderr) { stderr.Append(chunk); } onOutput?.Invoke(chunk); }, cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        if (result.ExitCode != 0)
        {
            var detail = stderr.ToString().Trim();
            throw new SnapshotException($"restore from snapshot {name} failed: rsync exited with {result.ExitCode}" + (detail.Length > 0 ? ": " + detail : ""));
        }
        return new RestoreResult(name, store.RsyncPathOf(from), targetRemote ? $"{job.Host}:{target}" : target, spec);
    }

    private SnapshotStore PickStore(JobSnapshots snapshots, string? destination)
    {
        if (destination is null)
        {
            return snapshots.Stores.Count == 1
                ? snapshots.Stores[0]
                : throw new SnapshotException($"job '{job.Name}' writes snapshots into {snapshots.Stores.Count} destinations; name one with --destination: {string.Join(", ", snapshots.Stores.Select(s => s.Destination))}", usage: true);
        }
        var trimmed = destination.Length > 1 ? destination.TrimEnd('/') : destination;
        return snapshots.Stores.FirstOrDefault(s => s.Destination == trimmed)
            ?? throw new SnapshotException($"job '{job.Name}' has no destination {destination}; its destinations: {string.Join(", ", snapshots.Stores.Select(s => s.Destination))}", usage: true);
    }

    /// <summary>A path inside the snapshot: relative, without "..", so it cannot name anything outside it.</summary>
    private static string RelativePath(string? path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return "";
        }
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(p => p != ".").ToList();
        if (parts.Contains(".."))
        {
            throw new SnapshotException($"the path to restore must stay inside the snapshot (no \"..\"), got \"{path}\"", usage: true);
        }
        return string.Join('/', parts);
    }

    /// <summary>Where the files go, and whether that is on the job's host.</summary>
    private (string Path, bool Remote) Target(JobSnapshots snapshots, SnapshotStore store, RestoreRequest request)
    {
        var sourcesAreLocal = job.Direction != Direction.Pull;
        if (request.InPlace)
        {
            if (request.To is not null)
            {
                throw new SnapshotException("give either --to DIR or --in-place, not both", usage: true);
            }
            // A sync "source: /srv/data/" fills the snapshot with data's contents; "source: /srv/data" with a folder data.
            var roots = job.Syncs.Where(s => snapshots.StoreOf(s) == store)
                .Select(s => s.Source.EndsWith('/') ? s.Source.TrimEnd('/') : Path.GetDirectoryName(s.Source.TrimEnd('/')) ?? "/")
                .Select(r => r.Length == 0 ? "/" : r)
                .Distinct(StringComparer.Ordinal).ToList();
            if (roots.Count != 1)
            {
                throw new SnapshotException($"the syncs into {store.Destination} come from different folders ({string.Join(", ", roots)}); restore with --to DIR and copy back by hand", usage: true);
            }
            return (roots[0], !sourcesAreLocal);
        }
        if (request.To is not { Length: > 0 } to)
        {
            throw new SnapshotException("say where to restore to: --to DIR (or --in-place to write over the live source)", usage: true);
        }
        var target = PathSafety.Resolve(Path.GetFullPath(to));
        if (sourcesAreLocal)
        {
            foreach (var sync in job.Syncs)
            {
                var source = PathSafety.Resolve(PathSafety.Lexical(sync.Source));
                if (PathSafety.IsSameOrInside(target, source) || PathSafety.IsSameOrInside(source, target))
                {
                    throw new SnapshotException($"--to {to} overlaps the live source {sync.Source} of job '{job.Name}'; restore elsewhere, or use --in-place to write over the source on purpose", usage: true);
                }
            }
        }
        if (!store.IsRemote)
        {
            var destination = PathSafety.Resolve(PathSafety.Lexical(store.Destination));
            if (PathSafety.IsSameOrInside(target, destination) || PathSafety.IsSameOrInside(destination, target))
            {
                throw new SnapshotException($"--to {to} overlaps the snapshot store {store.Destination}; restore into a folder outside it", usage: true);
            }
        }
        return (target, false);
    }
}
