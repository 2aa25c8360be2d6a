using System.Text.Json.Serialization;
using Syncwarden.History;
using Syncwarden.Rsync;
using Syncwarden.Runs;

namespace Syncwarden.Events;

/// <summary>
/// Something that happened to a run or to the daemon, published on the <see cref="RunEventHub"/>. Every
/// watcher (terminal progress, power policy, and later the web stream, metrics and notifiers) sees these
/// and nothing else; the runner never calls a watcher directly.
/// </summary>
public abstract record RunEvent(DateTimeOffset At)
{
    /// <summary>The job the event is about; null for events about the whole daemon.</summary>
    public abstract string? Job { get; }

    /// <summary>
    /// True for events a slow watcher may lose (only the newest matters, e.g. transfer progress);
    /// lifecycle events are never dropped.
    /// </summary>
    [JsonIgnore]
    public virtual bool MayDrop => false;
}

/// <summary>A run was admitted and recorded: it has an id and a log file.</summary>
public sealed record RunStarted(DateTimeOffset At, RunRecord Run, int SyncCount) : RunEvent(At)
{
    public override string Job => Run.Job;
}

/// <summary>A run moved to another stage (hooks, checks, a sync, finishing).</summary>
public sealed record RunStageChanged(DateTimeOffset At, string Job, long RunId, RunPhase Stage, int SyncIndex, int SyncCount, string? Sync, string? Detail)
    : RunEvent(At)
{
    public override string Job { get; } = Job;
}

/// <summary>A run waits for a lock or a blocking file held by someone else.</summary>
public sealed record RunWaiting(DateTimeOffset At, string Job, long RunId, string Reason) : RunEvent(At)
{
    public override string Job { get; } = Job;
}

/// <summary>rsync reported transfer progress; only the newest matters, so watchers that fall behind lose older ones.</summary>
public sealed record RunProgressed(DateTimeOffset At, string Job, long RunId, int SyncIndex, int SyncCount, string Sync, RsyncProgress Transfer)
    : RunEvent(At)
{
    public override string Job { get; } = Job;

    [JsonIgnore]
    public override bool MayDrop => true;
}

/// <summary>Something worth attention that does not fail the run (a retry, a failed after hook, a lost lock session).</summary>
public sealed record RunWarning(DateTimeOffset At, string Job, long RunId, string Message) : RunEvent(At)
{
    public override string Job { get; } = Job;
}

/// <summary>
/// A run used a removable disk (<c>device:</c>), announced before it ends: the disk's UUID and mountpoint, who hears
/// about the run because of it (<paramref name="Notify"/>), its free space after the syncs (null when it could not be
/// read), and whether it is still mounted although syncwarden mounted it (the unmount failed).
/// </summary>
public sealed record RunDeviceUsed(DateTimeOffset At, string Job, long RunId, string Uuid, string Mountpoint, IReadOnlyList<string> Notify,
    long? FreeBytes, long? TotalBytes, bool LeftMounted) : RunEvent(At)
{
    public override string Job { get; } = Job;
}

/// <summary>A run ended (any result) and its final record is in the history.</summary>
public sealed record RunFinished(DateTimeOffset At, RunRecord Run) : RunEvent(At)
{
    public override string Job => Run.Job;
}

/// <summary>A due run did not start: the previous run of the job was still going, or another process held the job.</summary>
public sealed record RunMissed(DateTimeOffset At, string Job, DateTimeOffset? Due, string Reason, int MissedSoFar) : RunEvent(At)
{
    public override string Job { get; } = Job;
}

/// <summary>The daemon re-read its configuration: applied, or refused with the errors found.</summary>
public sealed record ConfigurationReloaded(DateTimeOffset At, bool Applied, int Jobs, IReadOnlyList<string> Errors) : RunEvent(At)
{
    public override string? Job => null;
}

/// <summary>The daemon is ready (after start or a reload), with a one-line summary for systemd's STATUS.</summary>
public sealed record DaemonReady(DateTimeOffset At, int Jobs, int Scheduled) : RunEvent(At)
{
    public override string? Job => null;
}

/// <summary>
/// The scheduler has set its timer and waits until <paramref name="NextRun"/> (or a request); <paramref name="Idle"/>
/// when nothing runs or is queued. Announced at every pass of its loop, at least once a minute.
/// </summary>
public sealed record DaemonWaiting(DateTimeOffset At, DateTimeOffset? NextRun, bool Idle) : RunEvent(At)
{
    public override string? Job => null;
}

/// <summary>A verification of a job's replica ended (any result) and is in the history.</summary>
public sealed record VerifyFinished(DateTimeOffset At, Verification.VerifyRecord Verification) : RunEvent(At)
{
    public override string Job => Verification.Job;
}
