using Syncwarden.Configuration;
using Syncwarden.Processes;
using Syncwarden.Rsync;

namespace Syncwarden.Runs.Steps;

/// <summary>
/// The safety checks in front of every transfer attempt, in order: a --delete sync needs a source
/// that exists and is not empty, and must stay under max-delete; a local destination must sit on an
/// existing parent and must not be under an unmounted mount point of /etc/fstab (an unmounted disk), and gets a clean
/// temp folder. The first refusal ends the sync.
/// </summary>
internal sealed class SyncChecks(RunContext context, RsyncCommandBuilder builder, ProcessRunner runner)
{
    public async Task<SyncOutcome?> BeforeTransferAsync(SyncPair sync, int index, string label)
    {
        var job = context.Job;
        if (builder.SyncDeletes(sync))
        {
            if (!job.AllowEmptySource && await CheckSourceForDeleteAsync(sync).ConfigureAwait(false) is { } refusal)
            {
                return refusal;
            }
            if (job.MaxDelete is { } limit)
            {
                context.Report.Stage(RunPhase.Previewing, index, label);
                if (await CheckDeleteLimitAsync(sync, limit).ConfigureAwait(false) is { } tooMany)
                {
                    return tooMany;
                }
            }
        }
        // A removable disk: before anything is written there, also the destination folder.
        if (job.Device is not null && builder.ReceiverIsLocal)
        {
            context.Report.Stage(RunPhase.Previewing, index, label);
            if (await CheckFreeSpaceAsync(sync).ConfigureAwait(false) is { } full)
            {
                return full;
            }
        }
        // Per attempt: the previous attempt's cleanup removes the temp dir, and rsync will not create it.
        if (builder.ReceiverIsLocal && PrepareLocalDestination(sync.Destination) is { } destinationError)
        {
            context.Log.Note(destinationError);
            return SyncOutcome.Failed(destinationError);
        }
        return null;
    }

    /// <summary>
    /// A --delete run from a missing or empty source would wipe the replica (an unmounted disk or a
    /// failed NFS mount looks exactly like that), so it is refused unless the job allows it.
    /// </summary>
    private async Task<SyncOutcome?> CheckSourceForDeleteAsync(SyncPair sync)
    {
        var job = context.Job;
        var (result, stdout, stderr) = await runner.CaptureAsync(builder.BuildSourceListing(sync), context.CancellationToken).ConfigureAwait(false);
        var source = builder.SourceArgument(sync);
        string refusal;
        var ssh = Ssh.SshProblem.None;
        if (result.ExitCode != 0)
        {
            (var why, ssh) = FailureText.Explain(job, stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries), result.ExitCode);
            refusal = FailureText.Retryable(result.ExitCode, ssh) || ssh != Ssh.SshProblem.None
                ? $"cannot check source {source} before a --delete run: {why}"
                : $"source {source} is missing or unreadable ({why}); refusing to run with --delete, nothing was deleted";
        }
        else if (stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Any(l => !l.EndsWith(" .", StringComparison.Ordinal)))
        {
            return null;
        }
        else
        {
            refusal = $"source {source} is empty; refusing to run with --delete because it would empty the replica (is the disk mounted?). Nothing was deleted. Set allow-empty-source: true on job '{job.Name}' if an empty source is expected";
        }
        context.Log.Note(refusal);
        return new SyncOutcome(ExitCodeClass.Failure, result.ExitCode == 0 ? -1 : result.ExitCode, refusal, false,
            FailureText.Retryable(result.ExitCode, ssh)) { Ssh = ssh };
    }

    /// <summary>A dry-run pre-pass counts what --delete would remove; above max-delete the run stops before any change.</summary>
    private async Task<SyncOutcome?> CheckDeleteLimitAsync(SyncPair sync, DeleteLimit limit)
    {
        var preview = await PreviewAsync(sync).ConfigureAwait(false);
        if (preview.Error is { } error)
        {
            context.Log.Note("delete pre-pass failed: " + error);
            // Like the transfer: an unreachable host is retried, a refused key or host key is not.
            return SyncOutcome.Failed("cannot count deletions before the run: " + error, preview.ExitCode) with
            {
                NetworkClass = FailureText.Retryable(preview.ExitCode, preview.Ssh),
                Ssh = preview.Ssh,
            };
        }
        var deletions = preview.Count(ChangeKind.Delete);
        var destinationFiles = preview.DestinationEntries;
        context.Log.Note($"delete pre-pass: {deletions} deletion(s) of about {destinationFiles} destination entries (max-delete {limit})");
        if (!limit.IsExceeded(deletions, destinationFiles))
        {
            return null;
        }
        var message = $"would delete {deletions} of about {destinationFiles} entries at {builder.DestinationArgument(sync)}, more than max-delete {limit} of job '{context.Job.Name}'; nothing was changed. Check the source, then raise max-delete or run with a higher limit if this is intended";
        context.Log.Note(message);
        return SyncOutcome.Failed(message);
    }

    /// <summary>
    /// The dry run's estimate of what the sync writes (new and changed files in full: rsync writes a changed file as a
    /// new copy before it replaces the old one; deletions are not counted, they may come after the copies) must fit in
    /// the free space of the destination's filesystem, else the run stops before anything is written.
    /// </summary>
    private async Task<SyncOutcome?> CheckFreeSpaceAsync(SyncPair sync)
    {
        var preview = await PreviewAsync(sync).ConfigureAwait(false);
        if (preview.Error is { } error)
        {
            var failed = "cannot estimate the transfer to check the free space on the disk: " + error;
            context.Log.Note(failed);
            return SyncOutcome.Failed(failed, preview.ExitCode);
        }
        var needed = preview.Bytes(ChangeKind.Create) + preview.Bytes(ChangeKind.Update);
        if (Devices.DiskSpace.Of(sync.Destination) is not { } space)
        {
            context.Log.Note($"space check: about {ByteSize.Format(needed)} to write; the free space at {sync.Destination} could not be read");
            return null;
        }
        context.Log.Note($"space check: about {ByteSize.Format(needed)} to write, {space} at {sync.Destination}");
        if (needed <= space.Free)
        {
            return null;
        }
        var message = $"not enough space on the disk for {sync.Destination}: the dry run counts {ByteSize.Format(needed)} to write (new and changed files), "
            + $"but only {ByteSize.Format(space.Free)} is free; nothing was written. Free some space on the disk or use a bigger one";
        context.Log.Note(message);
        return SyncOutcome.Failed(message);
    }

    /// <summary>One dry run per attempt, shared by the checks that need it; counts only (a big tree's items are not kept).</summary>
    private async Task<SyncPreview> PreviewAsync(SyncPair sync) =>
        _preview ??= await new Previewer(runner).PreviewAsync(builder, sync, context.Filters, itemLimit: 0, context.CancellationToken).ConfigureAwait(false);

    private SyncPreview? _preview;

    /// <summary>
    /// Checks a local destination before rsync writes to it. A destination under a mount point of /etc/fstab that is
    /// not mounted is refused, and only the last path component may be missing (as with rsync): a missing parent
    /// usually means an unmounted disk too, and creating it would fill the root filesystem instead.
    /// </summary>
    private static string? PrepareLocalDestination(string destination)
    {
        var trimmed = destination.TrimEnd('/');
        if (trimmed.Length == 0)
        {
            trimmed = "/";
        }
        if (Devices.FsTab.UnmountedAbove(trimmed) is { } unmounted)
        {
            return $"destination {trimmed} is on {unmounted.Mountpoint}, which /etc/fstab mounts (line {unmounted.Line}) but which is not mounted now; "
                + $"nothing was written, so that the copy does not fill the filesystem under the empty mount point. Mount it (mount {unmounted.Mountpoint}) and run again";
        }
        if (!Directory.Exists(trimmed))
        {
            var parent = Path.GetDirectoryName(trimmed);
            if (parent is not null && !Directory.Exists(parent))
            {
                return $"destination parent {parent} does not exist (is the disk mounted?); create it first";
            }
            if (File.Exists(trimmed))
            {
                return $"destination {trimmed} is a file, not a directory";
            }
            Directory.CreateDirectory(trimmed);
        }
        var temp = Path.Combine(trimmed, RsyncCommandBuilder.TempDir);
        if (new FileInfo(temp).LinkTarget is not null)
        {
            // Never follow a link out of the destination root, not even to clean up.
            File.Delete(temp);
        }
        if (Directory.Exists(temp))
        {
            // Only ever holds files a killed receiver was writing; they are incomplete copies.
            foreach (var leftover in Directory.EnumerateFileSystemEntries(temp))
            {
                if (Directory.Exists(leftover) && !File.GetAttributes(leftover).HasFlag(FileAttributes.ReparsePoint))
                {
                    Directory.Delete(leftover, recursive: true);
                }
                else
                {
                    File.Delete(leftover);
                }
            }
        }
        else
        {
            Directory.CreateDirectory(temp);
        }
        return null;
    }

    /// <summary>
    /// Removes our temp and partial folders at the destination root once they are empty, keeping the root's
    /// modification time as rsync set it (the source folder's, when the source ends in a slash).
    /// </summary>
    public static void RemoveEmptyTempDirs(string destination)
    {
        var root = destination.TrimEnd('/');
        DateTime? rootTime = null;
        foreach (var name in new[] { RsyncCommandBuilder.TempDir, RsyncCommandBuilder.PartialDir })
        {
            var folder = Path.Combine(root, name);
            try
            {
                if (new DirectoryInfo(folder) is { Exists: true, LinkTarget: null } && !Directory.EnumerateFileSystemEntries(folder).Any())
                {
                    rootTime ??= Directory.GetLastWriteTimeUtc(root);
                    Directory.Delete(folder);
                }
            }
            catch (IOException)
            {
                // Left for the next run to clear.
            }
        }
        try
        {
            if (rootTime is { } time)
            {
                Directory.SetLastWriteTimeUtc(root, time);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Only a folder's time; the files are complete.
        }
    }
}
