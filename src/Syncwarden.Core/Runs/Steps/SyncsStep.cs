using Microsoft.Extensions.Logging;
using Syncwarden.Configuration;
using Syncwarden.History;
using Syncwarden.Processes;
using Syncwarden.Rsync;
using Syncwarden.Ssh;

namespace Syncwarden.Runs.Steps;

/// <summary>
/// The last step: every sync of the job in order, each with its safety checks and retries. Its result
/// is the run's result, so it always stops the pipeline; it has nothing to undo afterwards.
/// </summary>
internal sealed partial class SyncsStep(HistoryStore history, ProcessRunner runner, ILogger logger) : IRunStep
{
    public async Task<RunRecord?> BeforeAsync(RunContext context)
    {
        var job = context.Job;
        var builder = new RsyncCommandBuilder(context.Config, job);
        var worst = ExitCodeClass.Success;
        int? decisiveExit = 0;
        var errors = new List<string>();
        var failed = new List<string>();
        long files = 0, bytes = 0, total = 0, deleted = 0;
        var stopped = false;
        // Read from the history once per run, and only when a sync needs it (see UnfinishedRunsBefore).
        var unfinished = new Lazy<IReadOnlyList<RunRecord>>(() => UnfinishedRunsBefore(job));

        for (var i = 0; i < job.Syncs.Count; i++)
        {
            var sync = context.Syncs[i];
            var label = $"{builder.SourceArgument(sync)} -> {builder.DestinationArgument(sync)}";
            SyncOutcome outcome;
            try
            {
                outcome = await RunOneAsync(context, builder, sync, i, label, unfinished).ConfigureAwait(false);
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
                stopped = true;
                errors.Add($"{label}: {context.StoppedText("during the transfer")}");
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
            if (HostProblem(job, outcome) is { } problem)
            {
                // Every sync of the job goes to the same host: the others would only fail the same way.
                if (job.Syncs.Count - i - 1 is > 0 and var remaining)
                {
                    var skipped = $"{remaining} remaining sync(s) skipped: {problem}";
                    context.Log.Note(skipped);
                    errors.Add(skipped);
                }
                break;
            }
        }

        var result = stopped ? context.StoppedResult
            : worst switch { ExitCodeClass.Success => RunResult.Succeeded, ExitCodeClass.Warning => RunResult.Warning, _ => RunResult.Failed };
        return context.End(result, errors.Count == 0 ? null : string.Join("; ", errors), decisiveExit) with
        {
            FilesTransferred = files,
            BytesTransferred = bytes,
            TotalSize = total,
            FilesDeleted = deleted,
            FailedPaths = failed,
        };
    }

    public Task<RunRecord> AfterAsync(RunContext context, RunRecord result) => Task.FromResult(result);

    /// <summary>A failure no other sync to the job's host can get past: the host is unreachable, or ssh refused the key or the host key.</summary>
    private static string? HostProblem(JobConfig job, SyncOutcome outcome)
    {
        var host = job.Host is { } name ? $"host '{name}'" : "the host";
        return outcome switch
        {
            { Class: not ExitCodeClass.Failure } => null,
            { Ssh: SshProblem.Authentication } => $"authentication to {host} failed",
            { Ssh: SshProblem.HostKey } => $"the host key of {host} was not accepted",
            { NetworkClass: true } => $"{host} is unreachable",
            _ => null,
        };
    }

    /// <summary>One sync: checks, transfer, and retries of network-class failures with exponential back-off.</summary>
    private async Task<SyncOutcome> RunOneAsync(RunContext context, RsyncCommandBuilder builder, SyncPair sync, int index, string label,
        Lazy<IReadOnlyList<RunRecord>> unfinished)
    {
        var job = context.Job;
        context.Log.Note(InterruptedFile.SyncHeading(index, job.Syncs.Count, label));
        var attempt = 0;
        while (true)
        {
            // The checks before a --delete run reach the host too, so they belong to the retried attempt.
            context.Report.Stage(RunPhase.Checking, index, label);
            var outcome = await new SyncChecks(context, builder, runner).BeforeTransferAsync(sync, index, label).ConfigureAwait(false);
            if (outcome is null)
            {
                outcome = await TransferAsync(context, builder, sync, index, label, attempt, unfinished).ConfigureAwait(false);
                if (builder.ReceiverIsLocal)
                {
                    SyncChecks.RemoveEmptyTempDirs(sync.Destination);
                }
                else if (outcome.Class != ExitCodeClass.Failure && (builder.ThroughRrsync || attempt > 0 || unfinished.Value.Count > 0))
                {
                    // rrsync makes the partial folder on every push (it creates it before rsync may need it).
                    await RemoveRemotePartialDirAsync(context, builder, sync).ConfigureAwait(false);
                }
            }
            if (outcome.Class != ExitCodeClass.Failure || outcome.Cancelled || !outcome.NetworkClass || attempt >= job.Retries.Count)
            {
                return outcome;
            }
            var delay = job.Retries.Delay * Math.Pow(2, attempt);
            attempt++;
            var note = $"attempt {attempt} failed ({outcome.Error}); retrying in {delay.TotalSeconds:0}s ({attempt}/{job.Retries.Count})";
            context.Log.Note(note);
            logger.LogWarning("job {Job}: {Note}", job.Name, note);
            context.Report.Stage(RunPhase.Retrying, index, label, note);
            await Task.Delay(delay, context.Time, context.CancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The runs right before this one that did not end well (failed, cancelled, or closed after a kill), newest first, up
    /// to the last one that did (at most ten): where an interrupted transfer left partial data to resume.
    /// </summary>
    private IReadOnlyList<RunRecord> UnfinishedRunsBefore(JobConfig job) =>
        [.. history.History(job.Name, 11).Skip(1).TakeWhile(run => run.Result is not (RunResult.Succeeded or RunResult.Warning or RunResult.Skipped))];
}
