using System.Text.Json.Serialization;
using Syncwarden.History;
using Syncwarden.Runs;

namespace Syncwarden.Status;

/// <summary>What a job is doing: its kebab-case name is the <c>state</c> field of status.</summary>
[JsonConverter(typeof(KebabCaseEnumConverter<JobState>))]
public enum JobState
{
    /// <summary>Nothing runs or is queued.</summary>
    Idle,
    /// <summary>Due or started, but waiting: for a free slot (max-concurrent-jobs), a lock or a blocking file.</summary>
    Waiting,
    /// <summary>A run is under way.</summary>
    Running,
    /// <summary>The daemon put the host into deep sleep until the next run.</summary>
    Sleeping,
}

/// <summary>
/// One job's status, as `status --json`, the status file, the control socket and the web API give it. Field names are a
/// contract (snapshot-tested): add fields, never rename them. The seed-004 names (lastSyncTime, lastSyncDuration,
/// nextSyncTime, conditions) sit beside the older ones they overlap with.
/// </summary>
public sealed record JobStatus(
    string Job, string Direction, string? Host, int Syncs, RunResult? LastResult, DateTimeOffset? LastRunAt, double? LastDurationSeconds,
    long? LastBytesTransferred, DateTimeOffset? LastSuccessAt, string? LastError,
    string? Schedule, DateTimeOffset? NextRunAt, bool Running, int Missed, string? Activity)
{
    /// <summary>When the last successful sync (succeeded or warning) ended.</summary>
    public DateTimeOffset? LastSyncTime { get; init; }

    /// <summary>How long the last successful sync took, in seconds.</summary>
    public double? LastSyncDuration { get; init; }

    /// <summary>When the job runs next (the daemon's plan, or the schedule's next time without a daemon); null on demand.</summary>
    public DateTimeOffset? NextSyncTime { get; init; }

    public JobState State { get; init; }

    /// <summary>Seconds the last successful sync may age before the job is stale; null: never stale (no schedule, no stale-after).</summary>
    public double? StaleAfter { get; init; }

    /// <summary>True when the last successful sync is older than <see cref="StaleAfter"/> (or the job ran but never succeeded).</summary>
    public bool Stale { get; init; }

    /// <summary>Kubernetes-style conditions: Synchronizing, Stale and Failed (<see cref="JobConditions"/>).</summary>
    public IReadOnlyList<JobCondition> Conditions { get; init; } = [];

    /// <summary>The running transfer; null when no sync is transferring.</summary>
    public JobProgress? Progress { get; init; }

    /// <summary>
    /// The newest complete snapshot (seed 004's latestImage): the folder name under the destination that its
    /// <c>latest</c> symlink names; null for a job without snapshots or before its first one.
    /// </summary>
    public string? LatestSnapshot { get; init; }

    /// <summary>The standby pair's role, epoch, peer, lag and last good sync on this machine; only on the pair's job (<c>standby</c>), else null.</summary>
    public Standby.StandbyStatus? Standby { get; init; }
}

/// <summary>One condition, as Kubernetes reports them: <c>Status</c> is "True", "False" or "Unknown".</summary>
public sealed record JobCondition(string Type, string Status, string Reason, string Message, DateTimeOffset? LastTransitionTime);

/// <summary>A running transfer, from the newest progress event (<see cref="RunProgress"/>).</summary>
public sealed record JobProgress(
    long RunId, int SyncIndex, int SyncCount, string? Sync, int Percent, long BytesDone, long? BytesTotal, double BytesPerSecond,
    double? EtaSeconds, long? FilesDone, long? FilesTotal, bool TotalGrowing, string? CurrentFile)
{
    /// <summary>The transfer part of <paramref name="p"/>; null when it is not transferring.</summary>
    public static JobProgress? From(RunProgress? p) => p is { Transfer: not null } ? new JobProgress(
        p.RunId, p.SyncIndex, p.SyncCount, p.Sync, p.Percent, p.BytesDone, p.BytesTotal, p.BytesPerSecond,
        p.Eta?.TotalSeconds, p.FilesDone, p.FilesTotal, p.TotalGrowing, p.CurrentFile) : null;
}
