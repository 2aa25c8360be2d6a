using System.Text;
using Syncwarden.Configuration;
using Syncwarden.History;
using Syncwarden.Processes;
using Syncwarden.Rsync;
using Syncwarden.Ssh;

namespace Syncwarden.Runs.Steps;

internal sealed partial class SyncsStep
{
    /// <summary>
    /// The sync's transfer; after a run (or an attempt of this one) that stopped in the middle of a file, that file on
    /// its own first, so its partial data is used before any other file of the same name can take or remove it.
    /// </summary>
    private async Task<SyncOutcome> TransferAsync(RunContext context, RsyncCommandBuilder builder, SyncPair sync, int index, string label, int attempt,
        Lazy<IReadOnlyList<RunRecord>> unfinished)
    {
        var first = await ResumeFirstAsync(context, builder, sync, index, label, attempt, unfinished).ConfigureAwait(false);
        if (first is { Cancelled: true })
        {
            return first;
        }
        var outcome = await TransferAsync(context, builder, builder.Build(sync, RsyncMode.Transfer, context.Filters), index, label).ConfigureAwait(false);
        return first is null ? outcome : outcome with
        {
            FilesTransferred = outcome.FilesTransferred + first.FilesTransferred,
            BytesTransferred = outcome.BytesTransferred + first.BytesTransferred,
        };
    }

    private async Task<SyncOutcome?> ResumeFirstAsync(RunContext context, RsyncCommandBuilder builder, SyncPair sync, int index, string label, int attempt,
        Lazy<IReadOnlyList<RunRecord>> unfinished)
    {
        if (!builder.ResumesInterruptedFileFirst(sync))
        {
            return null;
        }
        // A retry reads this run's own log; a first attempt the logs of the runs before it that did not end well, newest
        // first (a run that failed before transferring anything, such as one that found the host down, names no file).
        var heading = InterruptedFile.SyncHeading(index, context.Job.Syncs.Count, label);
        var logs = attempt > 0 ? [context.Log.Path] : unfinished.Value.Select(run => run.LogFile);
        if (logs.Select(log => InterruptedFile.LastStarted(log, heading)).FirstOrDefault(path => path is not null) is not { } path)
        {
            return null;
        }
        var list = Path.Combine(Path.GetTempPath(), $"syncwarden-resume-{Guid.NewGuid():N}");
        using (var stream = new FileStream(list, new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite }))
        {
            stream.Write(Encoding.UTF8.GetBytes(path + "\0"));
        }
        try
        {
            context.Log.Note($"resuming {path} first: the last transfer stopped in it, and its partial data is kept under its file name only");
            return await TransferAsync(context, builder, builder.BuildResumeFirst(sync, list, context.Filters), index, label).ConfigureAwait(false);
        }
        finally
        {
            File.Delete(list);
        }
    }

    private async Task<SyncOutcome> TransferAsync(RunContext context, RsyncCommandBuilder builder, Processes.ProcessSpec spec, int index, string label)
    {
        var log = context.Log;
        log.Note("$ " + spec.Display);
        context.Report.Stage(RunPhase.Transferring, index, label);
        var output = new TransferOutput(context, index, label);
        var stderrLines = new List<string>();

        var stdout = new RsyncLineSplitter((SegmentHandler)output.Segment);
        var stderr = new RsyncLineSplitter((segment, _) =>
        {
            if (segment.IsEmpty || (builder.UsesTls && Tls.TlsClient.IsNoise(segment)))
            {
                return;
            }
            lock (stderrLines)
            {
                stderrLines.Add(segment.ToString());
            }
            log.Output(segment);
        });

        var result = await runner.StreamAsync(spec, chunk => { stdout.Feed(chunk); output.EndOfChunk(); }, stderr.Feed, context.CancellationToken).ConfigureAwait(false);
        stdout.Flush();
        stderr.Flush();
        output.Complete();
        log.Note($"rsync (pid {result.ProcessId}) exited with {result.ExitCode} after {result.Duration.TotalSeconds:0.0}s" + (result.Cancelled ? (result.Killed ? ", killed after the grace period" : ", stopped on request") : ""));

        var s = output.Stats.SawStats ? output.Stats.Result : null;
        return Classify(context.Job, result, stderrLines) with
        {
            // Without statistics (cancelled, killed, connection cut) what moved is what progress last said.
            FilesTransferred = s?.RegularFilesTransferred ?? output.ProgressFiles,
            BytesTransferred = s?.TotalTransferredFileSize ?? output.ProgressBytes,
            TotalSize = s?.TotalFileSize ?? 0,
            FilesDeleted = s?.DeletedFiles ?? 0,
        };
    }

    private static SyncOutcome Classify(JobConfig job, ProcessResult result, List<string> stderrLines)
    {
        if (result.Cancelled)
        {
            return new SyncOutcome(ExitCodeClass.Failure, result.ExitCode, null, true, false);
        }
        var code = result.ExitCode;
        var cls = job.Classify(code);
        var failedPaths = code == 23 ? RsyncErrorParser.FailedPaths(stderrLines) : code == 24 ? RsyncErrorParser.VanishedPaths(stderrLines) : [];
        if (cls == ExitCodeClass.Success)
        {
            return new SyncOutcome(cls, code, null, false, false);
        }

        var (message, ssh) = FailureText.Explain(job, stderrLines, code);
        if (cls == ExitCodeClass.Warning && code == 24)
        {
            message = $"{failedPaths.Count} file(s) vanished during the transfer (rsync exit 24)";
        }
        else if (code == 23 && failedPaths.Count > 0)
        {
            message += $"; {failedPaths.Count} path(s) failed: " + string.Join(", ", failedPaths.Take(5)) + (failedPaths.Count > 5 ? ", ..." : "");
        }
        return new SyncOutcome(cls, code, message, false, FailureText.Retryable(code, ssh) && cls == ExitCodeClass.Failure) { FailedPaths = failedPaths, Ssh = ssh };
    }

    /// <summary>
    /// After a push that recovered from an interruption, removes the remote partial folder if it is
    /// empty (rmdir never removes anything else). rsync does not remove an absolute partial dir itself.
    /// </summary>
    private async Task RemoveRemotePartialDirAsync(RunContext context, RsyncCommandBuilder builder, SyncPair sync)
    {
        var partialDir = RsyncCommandBuilder.PartialDirFor(sync);
        // Over rsync-tls there is no remote shell to run rmdir; the empty folder stays, excluded from deletions.
        if (context.Job.HostConfig is not { } host || host.UsesTls || !partialDir.StartsWith('/'))
        {
            return;
        }
        if (builder.ThroughRrsync)
        {
            // The host's key runs rsync only: rsync removes the folder if it is empty.
            var empty = Directory.CreateTempSubdirectory("syncwarden-empty-");
            try
            {
                var (removal, _, removalErr) = await runner.CaptureAsync(builder.BuildPartialDirRemoval(sync, empty.FullName), context.CancellationToken).ConfigureAwait(false);
                context.Log.Note(removal.ExitCode != 0 ? $"left {partialDir} on {host.Name} (rsync exit {removal.ExitCode}: {removalErr.Trim()}); it is excluded from deletions"
                    : removalErr.Contains("non-empty", StringComparison.Ordinal) ? $"left {partialDir} on {host.Name}: it holds interrupted files for the next run"
                    : $"removed the empty partial folder {partialDir} on {host.Name} (through rsync)");
            }
            finally
            {
                empty.Delete(recursive: true);
            }
            return;
        }
        var spec = SshCommand.Remote(context.Config.SshPath, host, RemoteCommandLine.Build([], ["rmdir", "--", partialDir]));
        var (result, _, _) = await runner.CaptureAsync(spec, context.CancellationToken).ConfigureAwait(false);
        context.Log.Note(result.ExitCode == 0 ? $"removed the empty partial folder {partialDir} on {host.Name}" : $"left {partialDir} on {host.Name} (rmdir exit {result.ExitCode}: not empty or not there); it is excluded from deletions");
    }
}
