using Syncwarden.Configuration;
using Syncwarden.Events;
using Syncwarden.History;
using Syncwarden.Rsync;

namespace Syncwarden.Runs;

/// <summary>
/// Everything one run of a job shares between its steps: the job, its record (once admitted), the run
/// log, a reporter that publishes events, the run's single cancellation token (caller + job timeout),
/// and what earlier steps left for later ones (filter files from plugins).
/// </summary>
internal sealed class RunContext(
    SyncwardenConfig config,
    JobConfig job,
    RunTrigger trigger,
    RunEventHub events,
    TimeProvider time,
    CancellationToken cancellationToken,
    CancellationToken timeoutToken)
{
    public SyncwardenConfig Config { get; } = config;
    public JobConfig Job { get; } = job;
    public RunTrigger Trigger { get; } = trigger;
    public TimeProvider Time { get; } = time;

    /// <summary>The run's one token: the caller's (daemon shutdown, SIGTERM, user cancel) linked with the job timeout.</summary>
    public CancellationToken CancellationToken { get; } = cancellationToken;

    /// <summary>True once the job's own timeout fired (the run is then failed, not cancelled).</summary>
    public bool TimedOut => timeoutToken.IsCancellationRequested;

    /// <summary>The run's record; Id 0 until the history step has admitted the run.</summary>
    public RunRecord Record { get; set; } = new() { Job = job.Name, Trigger = trigger, StartedAt = time.GetUtcNow() };

    /// <summary>The run log; set by the history step, before any step that writes to it.</summary>
    public RunLog Log { get; set; } = RunLog.Null;

    /// <summary>Publishes this run's events, stamped with the job, the record's id and the clock.</summary>
    public RunReporter Report => _report ??= new RunReporter(events, this);

    private RunReporter? _report;

    /// <summary>
    /// The syncs as the transfer runs them: the job's, unless a step redirected them (the snapshot step sends each into
    /// its in-progress snapshot folder with --link-dest). Same count and order as the job's.
    /// </summary>
    public IReadOnlyList<SyncPair> Syncs { get; set; } = job.Syncs;

    /// <summary>Extra rsync filter files for the syncs (written by plugins).</summary>
    public RunFilters Filters { get; set; } = RunFilters.None;

    /// <summary>
    /// Notes <paramref name="message"/> in the log and as a <c>RunWarning</c>, and adds it to the result's error; a
    /// success becomes a warning (a failure stays a failure).
    /// </summary>
    public RunRecord Warn(RunRecord result, string message)
    {
        Log.Note("warning: " + message);
        Report.Warning(message);
        return result with
        {
            Result = result.Result == RunResult.Succeeded ? RunResult.Warning : result.Result,
            Error = result.Error is { } e ? e + "; " + message : message,
        };
    }

    /// <summary>The end of an error that stopped the run before any sync started.</summary>
    public const string AbortedBeforeTransfer = "; the run was aborted, nothing was transferred";

    /// <summary>A finished copy of the record: the step that calls this stops the run with that result.</summary>
    public RunRecord End(RunResult result, string? error, int? exitCode = null) =>
        Record with { EndedAt = Time.GetUtcNow(), Result = result, Error = error, ExitCode = exitCode };

    /// <summary>
    /// The one wording for "stopped": by the job timeout (a failure) or by a cancel (SIGTERM, user).
    /// <paramref name="what"/> names what was going on, e.g. "while waiting for locks".
    /// </summary>
    public string StoppedText(string what) =>
        TimedOut ? $"stopped by the job timeout of {DurationParser.Format(Job.Timeout!.Value)} {what}" : $"cancelled {what}";

    /// <summary>The result a stop gets: a job timeout fails the run, a cancel cancels it.</summary>
    public RunResult StoppedResult => TimedOut ? RunResult.Failed : RunResult.Cancelled;

    /// <summary>Ends the run as stopped (timeout or cancel) while <paramref name="what"/>.</summary>
    public RunRecord Stopped(string what, string? suffix = null) => End(StoppedResult, StoppedText(what) + suffix);
}
