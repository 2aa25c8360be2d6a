using Microsoft.Extensions.Logging;
using Syncwarden.Databases;
using Syncwarden.History;

namespace Syncwarden.Runs.Steps;

/// <summary>
/// The job's databases: each is dumped into its dump-dir before the syncs, which replicate it with the data. A failed
/// dump fails the run before anything is transferred, unless its entry is optional: then it is a warning (a RunWarning
/// event now, and the run's result at the end) and the previous dump stays in place to be replicated.
/// </summary>
internal sealed class DatabaseDumpsStep(DatabaseDumper dumper, ILogger logger) : IRunStep
{
    private readonly List<string> _warnings = [];

    public async Task<RunRecord?> BeforeAsync(RunContext context)
    {
        var job = context.Job;
        if (job.Databases.Count == 0)
        {
            return null;
        }
        try
        {
            DatabaseDumper.RemoveLeftoverSecrets(context.Config, job.Name);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            context.Log.Note($"could not remove the password files of an earlier run: {ex.Message}");
        }
        foreach (var dump in job.Databases)
        {
            var label = "dump " + dump.Label;
            context.Report.Stage(RunPhase.Dumping, detail: dump.Label);
            var outcome = await dumper.DumpAsync(context.Config, job, dump, label, context.Log, context.CancellationToken).ConfigureAwait(false);
            if (outcome.Cancelled || context.CancellationToken.IsCancellationRequested)
            {
                return context.Stopped($"while dumping {dump.Label}", RunContext.AbortedBeforeTransfer);
            }
            if (outcome.Error is not { } error)
            {
                continue;
            }
            var message = $"the dump of {dump.Label} failed: {error}";
            if (!dump.Optional)
            {
                context.Log.Note(message + RunContext.AbortedBeforeTransfer);
                return context.End(RunResult.Failed, message + RunContext.AbortedBeforeTransfer);
            }
            message += "; it is optional, so the run goes on (the previous dump, if any, is replicated)";
            _warnings.Add(message);
            context.Log.Note("warning: " + message);
            context.Report.Warning(message);
            logger.LogWarning("job {Job}: run {RunId}: {Problem}", job.Name, context.Record.Id, message);
        }
        return null;
    }

    public Task<RunRecord> AfterAsync(RunContext context, RunRecord result)
    {
        if (_warnings.Count == 0 || result.Result is not (RunResult.Succeeded or RunResult.Warning))
        {
            return Task.FromResult(result);
        }
        var warnings = string.Join("; ", _warnings);
        return Task.FromResult(result with { Result = RunResult.Warning, Error = result.Error is { } e ? e + "; " + warnings : warnings });
    }
}
