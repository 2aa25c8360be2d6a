using Syncwarden.Configuration;
using Syncwarden.History;

namespace Syncwarden.Notifications;

/// <summary>
/// What one notification is about: the events it stands for (a recovery is also a success), the run, the warnings
/// the run reported, and for failures and recoveries the job's failing streak.
/// </summary>
/// <param name="Device">The removable disk the run used (<c>device:</c>), when it used one: its receivers and free space.</param>
public sealed record Notice(NotifyOn Events, RunRecord Run, IReadOnlyList<string> Warnings, AlertState? Failing = null, bool Test = false, Events.RunDeviceUsed? Device = null)
{
    /// <summary>The one event that names the notice (subject, the webhook's <c>event</c>): the most telling of <see cref="Events"/>.</summary>
    public NotifyOn Primary =>
        Events.HasFlag(NotifyOn.Recovered) ? NotifyOn.Recovered
        : Events.HasFlag(NotifyOn.Failure) ? NotifyOn.Failure
        : Events.HasFlag(NotifyOn.Warning) ? NotifyOn.Warning
        : Events.HasFlag(NotifyOn.Success) ? NotifyOn.Success
        : Events.HasFlag(NotifyOn.Start) ? NotifyOn.Start
        : NotifyOn.None;

    /// <summary>The event's word as in <c>on:</c> ("test" for <c>notify test</c>, the run's result when it stands for no event).</summary>
    public string EventName => Test ? "test" : Primary == NotifyOn.None ? Run.Result.ToKebabCase() : Primary.ToString().ToLowerInvariant();

    /// <summary>A later failure mail while the job keeps failing.</summary>
    public bool IsReminder => Primary == NotifyOn.Failure && Failing is { Failures: > 1 };
}

/// <summary>
/// No spam: a job that keeps failing is announced on its first failure, then at most once per repeat-after, then once
/// when it recovers. The state lives in the history database (<see cref="HistoryStore.GetAlertState"/>), so a restart
/// of the daemon, or a one-shot <c>syncwarden run</c> in between, keeps it.
/// </summary>
public static class AlertPolicy
{
    /// <summary>The events a finished run stands for, and the job's failing state after it (null: healthy).</summary>
    public static (NotifyOn Events, AlertState? State) Decide(RunRecord run, AlertState? state, DateTimeOffset now, TimeSpan repeatAfter)
    {
        switch (run.Result)
        {
            case RunResult.Failed when state is null:
                return (NotifyOn.Failure, new AlertState(run.Job, now, 1, now));
            case RunResult.Failed:
                var due = state.LastAlertAt is not { } last || now - last >= repeatAfter;
                return (due ? NotifyOn.Failure : NotifyOn.None, state with { Failures = state.Failures + 1, LastAlertAt = due ? now : state.LastAlertAt });
            case RunResult.Succeeded or RunResult.Warning:
                var outcome = run.Result == RunResult.Succeeded ? NotifyOn.Success : NotifyOn.Warning;
                return (state is null ? outcome : outcome | NotifyOn.Recovered, null);
            default:
                // Cancelled (someone stopped it) or skipped (a before hook said so): neither breaks nor mends the job.
                return (NotifyOn.None, state);
        }
    }
}
