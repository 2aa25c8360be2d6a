using Syncwarden.Configuration;
using Syncwarden.Processes;
using Syncwarden.Rsync;
using Syncwarden.Ssh;

namespace Syncwarden.Runs.Steps;

internal sealed partial class SyncsStep
{
    private async Task<SyncOutcome> TransferAsync(RunContext context, RsyncCommandBuilder builder, SyncPair sync, int index, string label)
    {
        var log = context.Log;
        var spec = builder.Build(sync, RsyncMode.Transfer, context.Filters);
        log.Note("$ " + spec.Display);
        context.Report.Stage(RunPhase.Transferring, index, label);
        var stats = new StatsParser();
        var stderrLines = new List<string>();
        // What moved so far, for when rsync ends without its statistics (cancelled, killed, connection cut).
        long progressBytes = 0, progressFiles = 0;

        var stdout = new RsyncLineSplitter((segment, _) =>
        {
            if (ProgressParser.TryParse(segment, out var p))
            {
                progressBytes = p.BytesTransferred;
                progressFiles = Math.Max(progressFiles, p.TransferNumber ?? 0);
                // Publishing only queues the event: a slow watcher never holds up rsync's output.
                context.Report.Progress(index, label, p);
                log.FlushIfDue();
                return;
            }
            if (segment.Length == 0)
            {
                return;
            }
            stats.Feed(segment);
            log.Output(segment);
        });
        var stderr = new RsyncLineSplitter((segment, _) =>
        {
            if (segment.Length == 0)
            {
                return;
            }
            lock (stderrLines)
            {
                stderrLines.Add(segment);
            }
            log.Output(segment);
        });

        var result = await runner.RunAsync(spec, chunk => stdout.Feed(chunk), chunk => stderr.Feed(chunk), context.CancellationToken).ConfigureAwait(false);
        stdout.Flush();
        stderr.Flush();
        log.Note($"rsync (pid {result.ProcessId}) exited with {result.ExitCode} after {result.Duration.TotalSeconds:0.0}s" + (result.Cancelled ? (result.Killed ? ", killed after the grace period" : ", stopped on request") : ""));

        var s = stats.SawStats ? stats.Result : null;
        return Classify(context.Job, result, stderrLines) with
        {
            FilesTransferred = s?.RegularFilesTransferred ?? progressFiles,
            BytesTransferred = s?.TotalTransferredFileSize ?? progressBytes,
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
    private async Task RemoveRemotePartialDirAsync(RunContext context, SyncPair sync)
    {
        var partialDir = RsyncCommandBuilder.PartialDirFor(sync);
        if (context.Job.HostConfig is not { } host || !partialDir.StartsWith('/'))
        {
            return;
        }
        var spec = SshCommand.Remote(context.Config.SshPath, host, RemoteCommandLine.Build([], ["rmdir", "--", partialDir]));
        var (result, _, _) = await runner.CaptureAsync(spec, context.CancellationToken).ConfigureAwait(false);
        context.Log.Note(result.ExitCode == 0 ? $"removed the empty partial folder {partialDir} on {host.Name}" : $"left {partialDir} on {host.Name} (rmdir exit {result.ExitCode}: not empty or not there); it is excluded from deletions");
    }
}
