using System.Globalization;
using Syncwarden.Configuration;

namespace Syncwarden.Snapshots;

/// <summary>The read-only snapshot one run took of one source, and what the sync reads instead of the source.</summary>
internal sealed record SourceSnapshot(string Source, string RunFolder, string Path)
{
    /// <summary>The snapshot with the source's own trailing slash, so rsync copies the same names to the same places.</summary>
    public string RsyncSource => Source.EndsWith('/') ? Path + "/" : Path;
}

/// <summary>Why a source could not be snapshot; the message says what to do.</summary>
internal sealed class SourceSnapshotException(string message) : Exception(message);

/// <summary>
/// Read-only btrfs snapshots of a job's sources for one run, on this machine or on the job's host. Each lives at
/// FOLDER/JOB-RUNID/N/NAME: FOLDER is <c>source-snapshot.directory</c> or <c>.syncwarden-snapshots</c> beside the
/// source (a snapshot must be on the source's filesystem), N the source's number in the job, NAME the source's own
/// folder name so the sync copies the same relative paths. Only what matches that pattern is ever touched, and only
/// with <c>btrfs subvolume delete</c> (which refuses anything but a subvolume) and <c>rmdir</c> (which refuses a
/// folder that is not empty): a stranger's files there are never removed.
/// </summary>
internal sealed class BtrfsSourceSnapshots(CommandHost host, string job, SourceSnapshotSettings settings, string btrfsPath = "btrfs")
{
    public const string DefaultFolderName = ".syncwarden-snapshots";

    public string HostName => host.Name;

    /// <summary>The folder that holds the snapshots of <paramref name="source"/>.</summary>
    public string FolderFor(string source) => settings.Directory ?? Combine(Parent(Trim(source)), DefaultFolderName);

    /// <summary>
    /// Removes what runs of this job that were killed left in <paramref name="folders"/> (the job's run lock is held, so
    /// none of them is running). Returns notes for the log; a leftover that cannot be removed is a note too.
    /// </summary>
    public async Task<IReadOnlyList<string>> RemoveLeftoversAsync(IEnumerable<string> folders, CancellationToken cancellationToken)
    {
        var notes = new List<string>();
        foreach (var folder in folders.Distinct(StringComparer.Ordinal))
        {
            foreach (var runFolder in await ListAsync(folder, 1, cancellationToken).ConfigureAwait(false))
            {
                if (!IsRunFolderName(System.IO.Path.GetFileName(runFolder)))
                {
                    continue;
                }
                // FOLDER/JOB-RUNID/N/NAME: only the N level is ours to walk.
                var snapshots = (await ListAsync(runFolder, 2, cancellationToken).ConfigureAwait(false))
                    .Where(p => IsNumber(System.IO.Path.GetFileName(System.IO.Path.GetDirectoryName(p)!))).ToList();
                var problem = await DeleteAsync(runFolder, snapshots, cancellationToken).ConfigureAwait(false);
                notes.Add(problem ?? $"removed source snapshot(s) left by an interrupted run: {runFolder} ({snapshots.Count} snapshot(s))");
            }
        }
        return notes;
    }

    /// <summary>Checks that <paramref name="source"/> is a subvolume without nested ones, and snapshots it read-only.</summary>
    /// <exception cref="SourceSnapshotException">Not a subvolume, nested subvolumes, or btrfs refused.</exception>
    public async Task<SourceSnapshot> TakeAsync(string source, int index, long runId, CancellationToken cancellationToken)
    {
        var path = Trim(source);
        var show = await host.RunAsync([btrfsPath, "subvolume", "show", "--", path], cancellationToken).ConfigureAwait(false);
        if (!show.Succeeded)
        {
            throw new SourceSnapshotException(
                $"source {source} on {host.Name} is not a btrfs subvolume ({show.Said}); source-snapshot: btrfs of job '{job}' needs each sync's source to be one: " +
                "create it with `btrfs subvolume create` and move the data in, or remove source-snapshot from the job");
        }
        var nested = await host.RunAsync([btrfsPath, "subvolume", "list", "-o", "--", path], cancellationToken).ConfigureAwait(false);
        var nestedLines = nested.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (!nested.Succeeded || nestedLines.Length > 0)
        {
            throw new SourceSnapshotException(nested.Succeeded
                ? $"source {source} on {host.Name} holds other subvolumes ({string.Join(", ", nestedLines.Take(3).Select(l => l[(l.LastIndexOf(" path ", StringComparison.Ordinal) + 6)..]))}); " +
                  "a snapshot shows them as empty folders, so the replica would lose their files. Give each its own sync, or remove source-snapshot"
                : $"cannot list the subvolumes below source {source} on {host.Name}: {nested.Said}");
        }
        var folder = FolderFor(source);
        if ((folder + "/").StartsWith(path.TrimEnd('/') + "/", StringComparison.Ordinal))
        {
            throw new SourceSnapshotException($"the snapshot folder {folder} is inside source {source}; set source-snapshot.directory of job '{job}' to a folder outside it on the same btrfs filesystem");
        }
        var runFolder = Combine(folder, RunFolderName(runId));
        var parent = Combine(runFolder, index.ToString(CultureInfo.InvariantCulture));
        var mkdir = await host.RunAsync(["mkdir", "-p", "-m", "700", "--", parent], cancellationToken).ConfigureAwait(false);
        if (!mkdir.Succeeded)
        {
            throw new SourceSnapshotException($"cannot create the snapshot folder {parent} on {host.Name}: {mkdir.Said}");
        }
        var name = path == "/" ? "root" : System.IO.Path.GetFileName(path);
        var snapshot = new SourceSnapshot(source, runFolder, Combine(parent, name));
        var take = await host.RunAsync([btrfsPath, "subvolume", "snapshot", "-r", "--", path, snapshot.Path], cancellationToken).ConfigureAwait(false);
        if (!take.Succeeded)
        {
            await DeleteAsync(runFolder, [], CancellationToken.None).ConfigureAwait(false);
            throw new SourceSnapshotException($"cannot snapshot {source} into {snapshot.Path} on {host.Name}: {take.Said}" +
                (settings.Directory is null ? "; if the folder beside the source is on another filesystem, set source-snapshot.directory to a folder on the source's btrfs filesystem" : ""));
        }
        return snapshot;
    }

    /// <summary>Deletes the snapshots of one run and its folders; returns what went wrong, or null.</summary>
    public async Task<string?> DeleteAsync(string runFolder, IReadOnlyList<string> snapshots, CancellationToken cancellationToken)
    {
        if (snapshots.Count > 0)
        {
            var delete = await host.RunAsync([btrfsPath, "subvolume", "delete", "--", .. snapshots], cancellationToken).ConfigureAwait(false);
            if (!delete.Succeeded)
            {
                return $"could not delete source snapshot(s) {string.Join(", ", snapshots)} on {host.Name}: {delete.Said}; the next run of job '{job}' tries again";
            }
        }
        // The numbered folders, then the run's folder: rmdir leaves any that is not empty.
        var folders = snapshots.Select(s => System.IO.Path.GetDirectoryName(s)!).Distinct(StringComparer.Ordinal).ToList();
        var numbered = (await ListAsync(runFolder, 1, cancellationToken).ConfigureAwait(false)).Where(p => IsNumber(System.IO.Path.GetFileName(p)));
        var rmdir = await host.RunAsync(["rmdir", "--", .. folders.Union(numbered, StringComparer.Ordinal), runFolder], cancellationToken).ConfigureAwait(false);
        if (!rmdir.Succeeded && !rmdir.Stderr.Contains("No such file", StringComparison.Ordinal))
        {
            return $"could not remove the snapshot folder {runFolder} on {host.Name}: {rmdir.Said}";
        }
        if (settings.Directory is null)
        {
            // Our own folder beside the source goes too once empty; still used by another job, it stays.
            await host.RunAsync(["rmdir", "--", System.IO.Path.GetDirectoryName(runFolder)!], cancellationToken).ConfigureAwait(false);
        }
        return null;
    }

    /// <summary>Entries exactly <paramref name="depth"/> levels below <paramref name="folder"/>; none when it does not exist.</summary>
    private async Task<IReadOnlyList<string>> ListAsync(string folder, int depth, CancellationToken cancellationToken)
    {
        var d = depth.ToString(CultureInfo.InvariantCulture);
        var find = await host.RunAsync(["find", folder, "-mindepth", d, "-maxdepth", d, "-print0"], cancellationToken).ConfigureAwait(false);
        return find.Succeeded ? find.Stdout.Split('\0', StringSplitOptions.RemoveEmptyEntries) : [];
    }

    private string RunFolderName(long runId) => $"{job}-{runId.ToString(CultureInfo.InvariantCulture)}";

    private bool IsRunFolderName(string name) =>
        name.Length > job.Length + 1 && name.StartsWith(job + "-", StringComparison.Ordinal) && IsNumber(name[(job.Length + 1)..]);

    private static bool IsNumber(string text) => text.Length > 0 && text.All(char.IsAsciiDigit);

    private static string Trim(string path) => path.TrimEnd('/') is { Length: > 0 } t ? t : "/";

    private static string Parent(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash < 0 ? "." : slash == 0 ? "/" : path[..slash];
    }

    private static string Combine(string folder, string name) => folder.EndsWith('/') ? folder + name : folder + "/" + name;
}
