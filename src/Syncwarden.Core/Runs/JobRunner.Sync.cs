using Microsoft.Extensions.Logging;
using Syncwarden.Configuration;
using Syncwarden.Processes;
using Syncwarden.Rsync;
using Syncwarden.Ssh;

namespace Syncwarden.Runs;

public sealed partial class JobRunner
{
    private async Task<SyncOutcome> RunOneSyncAsync(JobConfig job, RsyncCommandBuilder builder, SyncPair sync, int index, string label, long runId, RunLog log, RunFilters filters, CancellationToken cancellationToken)
    {
        void Report(RunPhase phase, RsyncProgress? transfer = null, string? message = null) =>
            progress.Report(new RunProgress(job.Name, runId, phase, index, job.Syncs.Count, label, transfer, message));

        log.Note($"sync {index + 1}/{job.Syncs.Count}: {label}");

        var attempt = 0;
        while (true)
        {
            // The checks before a --delete run reach the host too, so they belong to the retried attempt.
            var outcome = await CheckBeforeTransferAsync(job, builder, sync, log, filters, Report, cancellationToken).ConfigureAwait(false);
            if (outcome is null)
            {
                // Per attempt: the previous attempt's cleanup removes the temp dir, and rsync will not create it.
                if (builder.ReceiverIsLocal && PrepareLocalDestination(sync.Destination) is { } destinationError)
                {
                    log.Note(destinationError);
                    return SyncOutcome.Failed(destinationError);
                }
                outcome = await TransferAsync(job, builder, sync, log, filters, p => Report(RunPhase.Transferring, p), cancellationToken).ConfigureAwait(false);
                if (builder.ReceiverIsLocal)
                {
                    RemoveEmptyTempDir(sync.Destination);
                }
                else if (outcome.Class != ExitCodeClass.Failure && (attempt > 0 || PreviousRunWasInterrupted(job)))
                {
                    await RemoveRemotePartialDirAsync(job, sync, log, cancellationToken).ConfigureAwait(false);
                }
            }
            if (outcome.Class != ExitCodeClass.Failure || outcome.Cancelled || !outcome.NetworkClass || attempt >= job.Retries.Count)
            {
                return outcome;
            }
            var delay = job.Retries.Delay * Math.Pow(2, attempt);
            attempt++;
            var note = $"attempt {attempt} failed ({outcome.Error}); retrying in {delay.TotalSeconds:0}s ({attempt}/{job.Retries.Count})";
            log.Note(note);
            logger.LogWarning("job {Job}: {Note}", job.Name, note);
            Report(RunPhase.Retrying, message: note);
            await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<SyncOutcome?> CheckBeforeTransferAsync(JobConfig job, RsyncCommandBuilder builder, SyncPair sync, RunLog log, RunFilters filters, Action<RunPhase, RsyncProgress?, string?> report, CancellationToken cancellationToken)
    {
        report(RunPhase.Checking, null, null);
        if (!builder.SyncDeletes(sync))
        {
            return null;
        }
        if (!job.AllowEmptySource && await CheckSourceForDeleteAsync(job, builder, sync, log, cancellationToken).ConfigureAwait(false) is { } refusal)
        {
            return refusal;
        }
        if (job.MaxDelete is { } limit)
        {
            report(RunPhase.Previewing, null, null);
            return await CheckDeleteLimitAsync(job, builder, sync, limit, log, filters, cancellationToken).ConfigureAwait(false);
        }
        return null;
    }

    private async Task<SyncOutcome> TransferAsync(JobConfig job, RsyncCommandBuilder builder, SyncPair sync, RunLog log, RunFilters filters, Action<RsyncProgress> onProgress, CancellationToken cancellationToken)
    {
        var spec = builder.Build(sync, RsyncMode.Transfer, filters);
        log.Note("$ " + spec.Display);
        var stats = new StatsParser();
        var stderrLines = new List<string>();

        var stdout = new RsyncLineSplitter((segment, _) =>
        {
            if (ProgressParser.TryParse(segment, out var p))
            {
                onProgress(p);
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

        var result = await _runner.RunAsync(spec, chunk => stdout.Feed(chunk), chunk => stderr.Feed(chunk), cancellationToken).ConfigureAwait(false);
        stdout.Flush();
        stderr.Flush();
        log.Note($"rsync (pid {result.ProcessId}) exited with {result.ExitCode} after {result.Duration.TotalSeconds:0.0}s" + (result.Cancelled ? (result.Killed ? ", killed after the grace period" : ", stopped on request") : ""));

        var s = stats.SawStats ? stats.Result : null;
        var outcome = Classify(job, result, stderrLines);
        return outcome with
        {
            FilesTransferred = s?.RegularFilesTransferred ?? 0,
            BytesTransferred = s?.TotalTransferredFileSize ?? 0,
            TotalSize = s?.TotalFileSize ?? 0,
            FilesDeleted = s?.DeletedFiles ?? 0,
        };
    }

    private SyncOutcome Classify(JobConfig job, ProcessResult result, List<string> stderrLines)
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

        var stderrText = string.Join('\n', stderrLines);
        var network = RetryPolicy.NetworkExitCodes.Contains(code);
        string message;
        if (job.HostConfig is { } host && job.Direction != Direction.Local && SshErrorExplainer.Explain(stderrText, host) is ({ } problem, { } explained) && problem != SshProblem.None)
        {
            message = explained;
            // Retrying cannot fix a refused key or a wrong host key.
            network = problem == SshProblem.Unreachable;
        }
        else
        {
            message = RsyncErrorParser.MainError(stderrLines) ?? $"rsync exited with code {code}";
            // rsync's first specific complaint says what went wrong; its summary line says how bad.
            var detail = stderrLines.FirstOrDefault(l => l.StartsWith("rsync:", StringComparison.Ordinal));
            if (detail is not null && !message.Contains(detail, StringComparison.Ordinal))
            {
                message = detail + " — " + message;
            }
        }
        if (cls == ExitCodeClass.Warning && code == 24)
        {
            message = $"{failedPaths.Count} file(s) vanished during the transfer (rsync exit 24)";
        }
        else if (code == 23 && failedPaths.Count > 0)
        {
            message += $"; {failedPaths.Count} path(s) failed: " + string.Join(", ", failedPaths.Take(5)) + (failedPaths.Count > 5 ? ", ..." : "");
        }
        return new SyncOutcome(cls, code, message, false, network && cls == ExitCodeClass.Failure) { FailedPaths = failedPaths };
    }

    private bool PreviousRunWasInterrupted(JobConfig job) =>
        history.History(job.Name, 2).Skip(1).FirstOrDefault() is { Result: not (History.RunResult.Succeeded or History.RunResult.Warning or History.RunResult.Skipped) };

    /// <summary>
    /// After a push that recovered from an interruption, removes the remote partial folder if it is
    /// empty (rmdir never removes anything else). rsync does not remove an absolute partial dir itself.
    /// </summary>
    private async Task RemoveRemotePartialDirAsync(JobConfig job, SyncPair sync, RunLog log, CancellationToken cancellationToken)
    {
        var partialDir = RsyncCommandBuilder.PartialDirFor(sync);
        if (job.HostConfig is not { } host || !partialDir.StartsWith('/'))
        {
            return;
        }
        var spec = SshCommand.Remote(config.SshPath, host, RemoteCommandLine.Build([], ["rmdir", "--", partialDir]));
        var (result, _, _) = await _runner.CaptureAsync(spec, cancellationToken).ConfigureAwait(false);
        log.Note(result.ExitCode == 0 ? $"removed the empty partial folder {partialDir} on {host.Name}" : $"left {partialDir} on {host.Name} (rmdir exit {result.ExitCode}: not empty or not there); it is excluded from deletions");
    }
}
