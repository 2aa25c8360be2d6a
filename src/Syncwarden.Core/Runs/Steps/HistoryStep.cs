using System.Globalization;
using Microsoft.Extensions.Logging;
using Syncwarden.Configuration;
using Syncwarden.History;

namespace Syncwarden.Runs.Steps;

/// <summary>
/// Admits the run: records it in the history, opens its log and announces it (<c>RunStarted</c>);
/// afterwards writes the final record, announces <c>RunFinished</c> and applies log retention.
/// </summary>
internal sealed class HistoryStep(HistoryStore history, ILogger logger) : IRunStep
{
    public Task<RunRecord?> BeforeAsync(RunContext context)
    {
        var job = context.Job;
        var started = context.Time.GetUtcNow();
        var record = context.Record with { StartedAt = started, ProcessId = Environment.ProcessId };
        var id = history.Insert(record);
        var logPath = Path.Combine(context.Config.StateDir, "logs",
            $"{started.ToLocalTime().ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}-{id:D6}-{job.Name}.log");
        context.Record = record with { Id = id, LogFile = logPath };
        try
        {
            context.Log = new RunLog(logPath, context.Time);
            history.Update(context.Record);
        }
        catch
        {
            // Never leave a "running" row behind for a run that could not start.
            history.Update(context.End(RunResult.Failed, "could not open the run log " + logPath));
            context.Log.Dispose();
            context.Log = RunLog.Null;
            throw;
        }
        context.Log.Note($"syncwarden run {id} of job '{job.Name}' ({job.Direction}{(job.Host is { } h ? " " + h : "")}), trigger {context.Trigger.ToKebabCase()}");
        logger.LogInformation("job {Job}: run {RunId} started ({Trigger}), {Count} sync(s)", job.Name, id, context.Trigger.ToKebabCase(), job.Syncs.Count);
        context.Report.Started(context.Record);
        return Task.FromResult<RunRecord?>(null);
    }

    public Task<RunRecord> AfterAsync(RunContext context, RunRecord result)
    {
        context.Log.Note($"result {result.Result.ToKebabCase()}" + (result.Error is { } err ? ": " + err : ""));
        context.Log.Dispose();
        history.Update(result);
        context.Report.Finished(result);
        ApplyLogRetention(context);
        LogResult(result);
        return Task.FromResult(result);
    }

    /// <summary>Runs left "running" by a syncwarden process that is gone are recorded as failed (interrupted).</summary>
    public Task RecoverAsync(SyncwardenConfig config, TimeProvider time)
    {
        var closed = history.CloseAbandonedRuns(time.GetUtcNow());
        if (closed > 0)
        {
            logger.LogWarning("{Count} run(s) left unfinished by a stopped syncwarden were recorded as failed (interrupted)", closed);
        }
        return Task.CompletedTask;
    }

    private void LogResult(RunRecord run)
    {
        var level = run.Result switch { RunResult.Failed => LogLevel.Error, RunResult.Warning or RunResult.Cancelled => LogLevel.Warning, _ => LogLevel.Information };
        logger.Log(level, "job {Job}: run {RunId} {Result} in {Duration:0.0}s: {Files} file(s), {Bytes} byte(s) transferred, {Deleted} deleted{Error}",
            run.Job, run.Id, run.Result.ToKebabCase(), run.Duration?.TotalSeconds ?? 0, run.FilesTransferred, run.BytesTransferred, run.FilesDeleted,
            run.Error is { } e ? ": " + e : "");
    }

    private void ApplyLogRetention(RunContext context)
    {
        foreach (var (id, file) in history.LogFilesBeyond(context.Config.RunLogs.Keep))
        {
            try
            {
                File.Delete(file);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                logger.LogWarning("could not remove old run log {File}: {Message}", file, ex.Message);
                continue;
            }
            history.ForgetLogFile(id);
        }
    }
}
