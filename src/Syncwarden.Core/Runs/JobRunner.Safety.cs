using Syncwarden.Configuration;
using Syncwarden.Rsync;
using Syncwarden.Ssh;

namespace Syncwarden.Runs;

public sealed partial class JobRunner
{
    /// <summary>
    /// A --delete run from a missing or empty source would wipe the replica (an unmounted disk or a
    /// failed NFS mount looks exactly like that), so it is refused unless the job allows it.
    /// </summary>
    private async Task<SyncOutcome?> CheckSourceForDeleteAsync(JobConfig job, RsyncCommandBuilder builder, SyncPair sync, RunLog log, CancellationToken cancellationToken)
    {
        var spec = builder.BuildSourceListing(sync);
        var (result, stdout, stderr) = await _runner.CaptureAsync(spec, cancellationToken).ConfigureAwait(false);
        var source = builder.SourceArgument(sync);
        string? refusal = null;
        var network = false;
        if (result.ExitCode != 0)
        {
            var why = RsyncErrorParser.MainError(stderr.Split('\n')) ?? $"rsync exited with {result.ExitCode}";
            var specific = stderr.Split('\n').FirstOrDefault(l => l.StartsWith("rsync:", StringComparison.Ordinal) || l.Contains("ssh:", StringComparison.Ordinal));
            network = RetryPolicy.NetworkExitCodes.Contains(result.ExitCode);
            if (job.HostConfig is { } host && job.Direction != Direction.Local && SshErrorExplainer.Explain(stderr, host) is ({ } problem, { } explained) && problem != SshProblem.None)
            {
                refusal = $"cannot check source {source} before a --delete run: {explained}";
                // Retrying cannot fix a refused key or a wrong host key.
                network = problem == SshProblem.Unreachable;
            }
            else
            {
                refusal = network
                    ? $"cannot check source {source} before a --delete run: {specific ?? why}"
                    : $"source {source} is missing or unreadable ({specific ?? why}); refusing to run with --delete, nothing was deleted";
            }
        }
        else
        {
            var entries = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(l => !l.EndsWith(" .", StringComparison.Ordinal));
            if (entries == 0)
            {
                refusal = $"source {source} is empty; refusing to run with --delete because it would empty the replica (is the disk mounted?). Nothing was deleted. Set allow-empty-source: true on job '{job.Name}' if an empty source is expected";
            }
        }
        if (refusal is null)
        {
            return null;
        }
        log.Note(refusal);
        return new SyncOutcome(ExitCodeClass.Failure, result.ExitCode == 0 ? -1 : result.ExitCode, refusal, false, network);
    }

    /// <summary>A dry-run pre-pass counts what --delete would remove; above max-delete the run stops before any change.</summary>
    private async Task<SyncOutcome?> CheckDeleteLimitAsync(JobConfig job, RsyncCommandBuilder builder, SyncPair sync, DeleteLimit limit, RunLog log, RunFilters filters, CancellationToken cancellationToken)
    {
        var preview = await PreviewAsync(builder, sync, filters, cancellationToken).ConfigureAwait(false);
        if (preview.Error is { } error)
        {
            log.Note("delete pre-pass failed: " + error);
            return SyncOutcome.Failed("cannot count deletions before the run: " + error, preview.ExitCode);
        }
        var deletions = preview.Changes.Count(c => c.Kind == ChangeKind.Delete);
        var destinationFiles = preview.DestinationEntries;
        log.Note($"delete pre-pass: {deletions} deletion(s) of about {destinationFiles} destination entries (max-delete {limit})");
        if (!limit.IsExceeded(deletions, destinationFiles))
        {
            return null;
        }
        var message = $"would delete {deletions} of about {destinationFiles} entries at {builder.DestinationArgument(sync)}, more than max-delete {limit} of job '{job.Name}'; nothing was changed. Check the source, then raise max-delete or run with a higher limit if this is intended";
        log.Note(message);
        return SyncOutcome.Failed(message);
    }

    /// <summary>
    /// Checks a local destination before rsync writes to it. Only the last path component may be
    /// missing (as with rsync): a missing parent usually means an unmounted disk, and creating it
    /// would fill the root filesystem instead.
    /// </summary>
    private static string? PrepareLocalDestination(string destination)
    {
        var trimmed = destination.TrimEnd('/');
        if (trimmed.Length == 0)
        {
            trimmed = "/";
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

    /// <summary>Removes our temp and partial folders at the destination root once they are empty.</summary>
    private static void RemoveEmptyTempDir(string destination)
    {
        foreach (var name in new[] { RsyncCommandBuilder.TempDir, RsyncCommandBuilder.PartialDir })
        {
            var folder = Path.Combine(destination.TrimEnd('/'), name);
            try
            {
                if (new DirectoryInfo(folder) is { Exists: true, LinkTarget: null } && !Directory.EnumerateFileSystemEntries(folder).Any())
                {
                    Directory.Delete(folder);
                }
            }
            catch (IOException)
            {
                // Left for the next run to clear.
            }
        }
    }
}
