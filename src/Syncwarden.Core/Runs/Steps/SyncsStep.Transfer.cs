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

        var result = await runner.StreamAsync(spec, stdout.Feed, stderr.Feed, context.CancellationToken).ConfigureAwait(false);
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
