using System.Globalization;
using Microsoft.Extensions.Logging;
using Syncwarden.Configuration;
using Syncwarden.History;
using Syncwarden.Processes;
using Syncwarden.Rsync;

namespace Syncwarden.Runs;

/// <summary>Runs one job: every sync in order, with safety checks, retries, history and a log file.</summary>
public sealed partial class JobRunner(
    SyncwardenConfig config,
    HistoryStore history,
    ProgressBoard progress,
    ILogger logger,
    TimeProvider? time = null,
    ProcessRunner? runner = null)
{
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly ProcessRunner _runner = runner ?? ProcessRunner.Default;

    /// <exception cref="JobBusyException">The job is already running in another process; nothing was recorded.</exception>
    public async Task<RunRecord> RunAsync(JobConfig job, RunTrigger trigger = RunTrigger.Manual, CancellationToken cancellationToken = default)
    {
        using var runLock = JobRunLock.Acquire(config.StateDir, job.Name);
        var started = _time.GetUtcNow();
        var record = new RunRecord { Job = job.Name, StartedAt = started, ProcessId = Environment.ProcessId, Trigger = trigger };
        var id = history.Insert(record);
        var logPath = Path.Combine(config.StateDir, "logs", $"{started.ToLocalTime().ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}-{id:D6}-{job.Name}.log");
        record = record with { Id = id, LogFile = logPath };

        using var timeout = job.Timeout is { } t ? new CancellationTokenSource(t) : new CancellationTokenSource();
        // One token per run: the caller's (SIGTERM, user cancel) and the job's own timeout.
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);

        logger.LogInformation("job {Job}: run {RunId} started ({Trigger}), {Count} sync(s)", job.Name, id, trigger.ToKebabCase(), job.Syncs.Count);
        RunRecord final;
        using (var log = new RunLog(logPath, _time))
        {
            history.Update(record);
            log.Note($"syncwarden run {id} of job '{job.Name}' ({job.Direction}{(job.Host is { } h ? " " + h : "")}), trigger {trigger.ToKebabCase()}");
            try
            {
                final = await RunStagesAsync(job, record, log, linked.Token, timeout).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // Whatever went wrong (a missing ssh binary, a permission error at the destination,
                // a bug), the run is recorded as finished: never left "running" in the history.
                var cancelledRun = ex is OperationCanceledException && cancellationToken.IsCancellationRequested;
                final = record with
                {
                    EndedAt = _time.GetUtcNow(),
                    Result = cancelledRun ? RunResult.Cancelled : RunResult.Failed,
                    Error = cancelledRun ? "cancelled" : ex.Message,
                };
                logger.LogDebug(ex, "job {Job}: run {RunId} aborted", job.Name, id);
            }
            log.Note($"result {final.Result.ToKebabCase()}" + (final.Error is { } err ? ": " + err : ""));
        }

        history.Update(final);
        progress.Report(new RunProgress(job.Name, id, RunPhase.Done, job.Syncs.Count, job.Syncs.Count, null, null));
        ApplyLogRetention();
        LogResult(final);
        return final;
    }

    private async Task<RunRecord> RunSyncsAsync(JobConfig job, RunRecord record, RunLog log, RunFilters filters, CancellationToken cancellationToken, CancellationTokenSource timeout)
    {
        var builder = new RsyncCommandBuilder(config, job);
        var worst = ExitCodeClass.Success;
        int? decisiveExit = 0;
        var errors = new List<string>();
        var failed = new List<string>();
        long files = 0, bytes = 0, total = 0, deleted = 0;
        var cancelled = false;

        for (var i = 0; i < job.Syncs.Count; i++)
        {
            var sync = job.Syncs[i];
            var label = $"{builder.SourceArgument(sync)} -> {builder.DestinationArgument(sync)}";
            SyncOutcome outcome;
            try
            {
                outcome = await RunOneSyncAsync(job, builder, sync, i, label, record.Id, log, filters, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                outcome = new SyncOutcome(ExitCodeClass.Failure, -1, null, true, false);
            }
            catch (ProcessStartException ex)
            {
                outcome = SyncOutcome.Failed(ex.Message);
            }

            files += outcome.FilesTransferred;
            bytes += outcome.BytesTransferred;
            total += outcome.TotalSize;
            deleted += outcome.FilesDeleted;
            failed.AddRange(outcome.FailedPaths);
            if (outcome.Cancelled)
            {
                cancelled = true;
                errors.Add(timeout.IsCancellationRequested ? $"{label}: stopped after the job timeout of {DurationParser.Format(job.Timeout!.Value)}" : $"{label}: cancelled");
                decisiveExit = outcome.ExitCode;
                break;
            }
            if (outcome.Class > worst)
            {
                worst = outcome.Class;
                decisiveExit = outcome.ExitCode;
            }
            if (outcome.Error is { } error)
            {
                errors.Add(job.Syncs.Count > 1 ? $"{label}: {error}" : error);
            }
            if (outcome.Class == ExitCodeClass.Failure && outcome.NetworkClass)
            {
                errors.Add("remaining syncs skipped: the host is unreachable");
                break;
            }
        }

        var result = cancelled && !timeout.IsCancellationRequested ? RunResult.Cancelled
            : cancelled ? RunResult.Failed
            : worst switch { ExitCodeClass.Success => RunResult.Succeeded, ExitCodeClass.Warning => RunResult.Warning, _ => RunResult.Failed };
        return record with
        {
            EndedAt = _time.GetUtcNow(),
            Result = result,
            ExitCode = decisiveExit,
            Error = errors.Count == 0 ? null : string.Join("; ", errors),
            FilesTransferred = files,
            BytesTransferred = bytes,
            TotalSize = total,
            FilesDeleted = deleted,
            FailedPaths = failed,
        };
    }

    private void LogResult(RunRecord run)
    {
        var level = run.Result switch { RunResult.Failed => LogLevel.Error, RunResult.Warning or RunResult.Cancelled => LogLevel.Warning, _ => LogLevel.Information };
        logger.Log(level, "job {Job}: run {RunId} {Result} in {Duration:0.0}s: {Files} file(s), {Bytes} byte(s) transferred, {Deleted} deleted{Error}",
            run.Job, run.Id, run.Result.ToKebabCase(), run.Duration?.TotalSeconds ?? 0, run.FilesTransferred, run.BytesTransferred, run.FilesDeleted,
            run.Error is { } e ? ": " + e : "");
    }

    private void ApplyLogRetention()
    {
        foreach (var (id, file) in history.LogFilesBeyond(config.RunLogs.Keep))
        {
            try
            {
                File.Delete(file);
            }
            catch (IOException ex)
            {
                logger.LogWarning("could not remove old run log {File}: {Message}", file, ex.Message);
                continue;
            }
            catch (UnauthorizedAccessException ex)
            {
                logger.LogWarning("could not remove old run log {File}: {Message}", file, ex.Message);
                continue;
            }
            history.ForgetLogFile(id);
        }
    }
}
