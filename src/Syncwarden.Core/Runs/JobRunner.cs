using Microsoft.Extensions.Logging;
using Syncwarden.Configuration;
using Syncwarden.Events;
using Syncwarden.History;
using Syncwarden.Processes;

namespace Syncwarden.Runs;

/// <summary>
/// Runs one job through the steps of its <see cref="RunPipeline"/>: the before parts in order until one
/// ends the run (the syncs always do), then the after parts of the steps entered, in reverse order.
/// Whatever happens, an admitted run is recorded as finished and announced on the event hub.
/// </summary>
public sealed partial class JobRunner(
    SyncwardenConfig config,
    HistoryStore history,
    RunEventHub events,
    ILogger logger,
    TimeProvider time,
    ProcessRunner runner)
{
    private readonly RunPipeline _pipeline = new(config, history, runner, time, logger);

    /// <summary>
    /// Puts right what a syncwarden killed during a run left behind, step by step (<see cref="IRunStep.RecoverAsync"/>):
    /// runs still recorded as running are closed as interrupted, disks it mounted are unmounted. Call once per process,
    /// before its first run.
    /// </summary>
    public async Task RecoverAsync()
    {
        foreach (var step in _pipeline.StepsForRun())
        {
            await step.RecoverAsync(config, time).ConfigureAwait(false);
        }
    }

    /// <exception cref="JobBusyException">The job is already running in another process; nothing was recorded.</exception>
    public async Task<RunRecord> RunAsync(JobConfig job, RunTrigger trigger = RunTrigger.Manual, CancellationToken cancellationToken = default)
    {
        using var timeout = job.Timeout is { } t ? new CancellationTokenSource(t, time) : new CancellationTokenSource();
        // One token per run: the caller's (daemon shutdown, SIGTERM, user cancel) and the job's own timeout.
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var context = new RunContext(config, job, trigger, events, time, linked.Token, timeout.Token);

        var entered = new Stack<IRunStep>();
        RunRecord? result = null;
        Exception? beforeAdmission = null;
        try
        {
            foreach (var step in _pipeline.StepsForRun())
            {
                var stop = await step.BeforeAsync(context).ConfigureAwait(false);
                entered.Push(step);
                if (stop is not null)
                {
                    result = stop;
                    break;
                }
            }
            result ??= context.End(RunResult.Succeeded, null, 0);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            if (context.Record.Id == 0)
            {
                beforeAdmission = ex;
            }
            result = Aborted(context, ex, cancellationToken);
        }

        while (entered.TryPop(out var step))
        {
            try
            {
                result = await step.AfterAsync(context, result).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException && entered.Count > 0)
            {
                // The outer steps (history, the job lock) still run: the run is never left "running".
                result = Aborted(context, ex, cancellationToken);
            }
        }
        if (beforeAdmission is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(beforeAdmission);
        }
        return result;
    }

    /// <summary>
    /// Whatever went wrong (a missing ssh binary, a permission error at the destination, a bug), the run
    /// is recorded as finished: cancelled when the caller cancelled, else failed with the message.
    /// </summary>
    private RunRecord Aborted(RunContext context, Exception ex, CancellationToken callerToken)
    {
        logger.LogDebug(ex, "job {Job}: run {RunId} aborted", context.Job.Name, context.Record.Id);
        var cancelled = ex is OperationCanceledException && callerToken.IsCancellationRequested;
        return context.End(cancelled ? RunResult.Cancelled : RunResult.Failed, cancelled ? "cancelled" : ex.Message);
    }
}
