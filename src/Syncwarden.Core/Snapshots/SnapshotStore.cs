using Syncwarden.Configuration;
using Syncwarden.Processes;
using Syncwarden.Ssh;

namespace Syncwarden.Snapshots;

/// <summary>A snapshot step or command that could not do its work; the message is for the admin.</summary>
public sealed class SnapshotException(string message, bool usage = false) : Exception(message)
{
    /// <summary>True when what was asked for is wrong (a name, a path, a target), not the store or the host.</summary>
    public bool IsUsageError { get; } = usage;
}

/// <summary>What a store holds: its snapshots (oldest first), the one <c>latest</c> names, and whether a killed run's folder was cleaned.</summary>
public sealed record SnapshotListing(IReadOnlyList<string> Names, string? Latest, bool HasInProgress, bool CleanedLeftover)
{
    /// <summary>The snapshot a new one links to: the one latest names, else the newest (latest lost by hand).</summary>
    public string? Basis => Latest is { } l && Names.Contains(l) ? l : Names.Count > 0 ? Names[^1] : null;
}

/// <summary>
/// The snapshots of one destination folder of a job: on this host (local and pull jobs) or on the job's host (push).
/// Layout, link-dest: DEST/NAME/ per snapshot, DEST/latest -> NAME, DEST/.syncwarden-incomplete/ while a run writes.
/// btrfs: DEST is the live subvolume, DEST/.syncwarden-snapshots/NAME read-only snapshots and .../latest -> NAME.
/// </summary>
public sealed class SnapshotStore(SyncwardenConfig config, JobConfig job, string destination, ProcessRunner runner)
{
    /// <summary>The destination as configured, without a trailing slash.</summary>
    public string Destination { get; } = destination.Length > 1 ? destination.TrimEnd('/') : destination;

    public SnapshotMethod Method => job.Snapshots.Method;

    public bool IsRemote => job.Direction == Direction.Push && job.HostConfig is not null;

    /// <summary>The folder that holds the snapshots.</summary>
    public string Root => Method == SnapshotMethod.Btrfs ? Destination + "/" + SnapshotName.BtrfsFolder : Destination;

    /// <summary>For messages: host:path for a remote store.</summary>
    public string Display => IsRemote ? $"{job.Host}:{Root}" : Root;

    public string PathOf(string name) => Root + "/" + name;

    /// <summary>A path of the store as rsync names it (host:path for a remote store).</summary>
    public string RsyncPathOf(string path) => IsRemote ? SshCommand.RemoteSpec(job.HostConfig!, path) : path;

    /// <summary>The destination folder rsync writes into while a link-dest run is under way.</summary>
    public string InProgressPath => Destination + "/" + SnapshotName.InProgress;

    /// <summary>Lists the snapshots; an empty listing when the store does not exist yet.</summary>
    public async Task<SnapshotListing> ListAsync(CancellationToken cancellationToken = default) =>
        Parse((await RunAsync(SnapshotScripts.List, [Root], "list the snapshots in", cancellationToken).ConfigureAwait(false)).Stdout);

    /// <summary>
    /// Before the transfer. link-dest: creates the destination folder (not its parents) and cleans a folder a killed run left;
    /// btrfs: checks that the destination is a subvolume.
    /// </summary>
    public async Task<SnapshotListing> PrepareAsync(CancellationToken cancellationToken = default)
    {
        var script = Method == SnapshotMethod.Btrfs ? SnapshotScripts.PrepareBtrfs : SnapshotScripts.PrepareLinkDest;
        return Parse((await RunAsync(script, [Destination], "prepare snapshots in", cancellationToken).ConfigureAwait(false)).Stdout);
    }

    /// <summary>After a successful transfer: makes snapshot <paramref name="name"/> and points latest at it.</summary>
    public Task FinalizeAsync(string name, CancellationToken cancellationToken = default)
    {
        var script = Method == SnapshotMethod.Btrfs ? SnapshotScripts.FinalizeBtrfs : SnapshotScripts.FinalizeLinkDest;
        return RunAsync(script, [Destination, name], $"complete snapshot {name} in", cancellationToken);
    }

    /// <summary>Deletes the named snapshots (never the one latest names); returns those gone, and an error for the rest.</summary>
    public async Task<(IReadOnlyList<string> Deleted, string? Error)> DeleteAsync(IReadOnlyList<string> names, CancellationToken cancellationToken = default)
    {
        if (names.Any(n => !SnapshotName.IsSnapshot(n)))
        {
            throw new ArgumentException("only snapshot names can be deleted", nameof(names));
        }
        if (names.Count == 0)
        {
            return ([], null);
        }
        var method = Method == SnapshotMethod.Btrfs ? "btrfs" : "link-dest";
        var (result, stdout, stderr) = await runner.CaptureAsync(Spec(SnapshotScripts.Delete, [Root, method, .. names]), cancellationToken).ConfigureAwait(false);
        var deleted = Lines(stdout).Where(l => l.Key == "deleted").Select(l => l.Value).ToList();
        var error = result.ExitCode == 0 ? null : $"could not delete {names.Count - deleted.Count} snapshot(s) in {Display}: {Explain(result.ExitCode, stderr)}";
        return (deleted, error);
    }

    private async Task<(string Stdout, string Stderr)> RunAsync(string script, IReadOnlyList<string> args, string what, CancellationToken cancellationToken)
    {
        var (result, stdout, stderr) = await runner.CaptureAsync(Spec(script, args), cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        if (result.ExitCode != 0)
        {
            throw new SnapshotException($"cannot {what} {(what.StartsWith("prepare", StringComparison.Ordinal) ? DestinationDisplay : Display)}: {Explain(result.ExitCode, stderr)}");
        }
        return (stdout, stderr);
    }

    private string DestinationDisplay => IsRemote ? $"{job.Host}:{Destination}" : Destination;

    private string Explain(int exitCode, string stderr)
    {
        var detail = stderr.Trim().Replace('\n', ' ');
        var why = exitCode switch
        {
            3 when Method == SnapshotMethod.Btrfs => $"the destination does not exist; create it as a subvolume: btrfs subvolume create {Destination}",
            3 => "the folder could not be created or entered (does its parent exist? is the disk mounted?)",
            4 => $"the folder a killed run left ({SnapshotName.InProgress}) could not be cleaned",
            5 => $"the destination is not a btrfs subvolume (snapshots: method: btrfs); create it with btrfs subvolume create {Destination}",
            6 => $"there is no {SnapshotName.InProgress} folder to turn into a snapshot",
            7 => "a snapshot of that name exists already",
            8 => "the snapshot could not be made",
            9 => "the latest symlink could not be updated",
            255 when IsRemote => $"ssh to host '{job.Host}' failed",
            _ => $"exit {exitCode}",
        };
        return detail.Length == 0 ? why : $"{why} ({detail})";
    }

    private ProcessSpec Spec(string script, IReadOnlyList<string> args)
    {
        if (IsRemote)
        {
            return SshCommand.Remote(config.SshPath, job.HostConfig!, RemoteCommandLine.ShCommand(script, args)) with { Environment = CLocale };
        }
        return new ProcessSpec("/bin/sh", ["-c", script, "sh", .. args]) { Environment = CLocale };
    }

    private static readonly IReadOnlyDictionary<string, string?> CLocale = new Dictionary<string, string?> { ["LC_ALL"] = "C" };

    private static SnapshotListing Parse(string stdout)
    {
        var lines = Lines(stdout).ToList();
        var names = lines.Where(l => l.Key == "dir" && SnapshotName.IsSnapshot(l.Value)).Select(l => l.Value).Order(StringComparer.Ordinal).ToList();
        var latest = lines.FirstOrDefault(l => l.Key == "latest").Value is { Length: > 0 } target && SnapshotName.IsSnapshot(target) ? target : null;
        return new SnapshotListing(names, latest,
            lines.Any(l => l.Key == "dir" && l.Value == SnapshotName.InProgress),
            lines.Any(l => l.Key == "cleaned"));
    }

    private static IEnumerable<KeyValuePair<string, string>> Lines(string stdout) =>
        stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split('\t', 2))
            .Where(p => p.Length == 2)
            .Select(p => KeyValuePair.Create(p[0], p[1]));
}
