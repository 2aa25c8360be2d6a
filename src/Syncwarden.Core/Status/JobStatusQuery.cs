using System.Text.Json;
using System.Text.Json.Serialization;
using Syncwarden.Configuration;
using Syncwarden.Daemon;
using Syncwarden.History;
using Syncwarden.Power;
using Syncwarden.Runs;

namespace Syncwarden.Status;

/// <summary>
/// Builds every job's status from the configuration and the history, plus what a running daemon knows
/// (next runs, running, queued and missed runs, live progress, sleep). Without a daemon, next runs are when it would
/// run them.
/// </summary>
public sealed class JobStatusQuery(HistoryStore history, TimeProvider time, JobScheduler? scheduler = null, LiveRuns? live = null, PowerState? power = null)
{
    public IReadOnlyList<JobStatus> All(SyncwardenConfig config) => [.. config.Jobs.Select(j => For(config, j))];

    public JobStatus For(SyncwardenConfig config, JobConfig job)
    {
        var now = time.GetUtcNow();
        var zone = config.Daemon.ResolveTimeZone();
        var daemon = scheduler?.State(job.Name);
        var recent = history.History(job.Name, 2);
        var last = recent.FirstOrDefault();
        var lastFinished = recent.FirstOrDefault(r => r.Result != RunResult.Running);
        var success = last?.Result is RunResult.Succeeded or RunResult.Warning ? last : history.LastSuccess(job.Name);
        var next = daemon is not null ? daemon.NextRun : job.Schedule?.NextAfter(now, zone);
        var running = daemon?.Running ?? last?.Result == RunResult.Running;
        var progress = live?.Get(job.Name);
        var state = StateOf(running, daemon?.Queued ?? false, progress);
        // The one staleness rule (Staleness), counted from the last success, else from the first run.
        var since = success?.EndedAt ?? (last is null ? null : history.FirstRun(job.Name)?.StartedAt);
        var staleAt = Staleness.StaleAt(job, since, zone);
        var stale = staleAt is { } at && now > at;
        return new JobStatus(job.Name, job.Direction.ToString().ToLowerInvariant(), job.Host, job.Syncs.Count,
            last?.Result, last?.StartedAt, last?.Duration?.TotalSeconds,
            last?.BytesTransferred, success?.EndedAt, last?.Error,
            job.Schedule?.Describe(), next,
            running, daemon?.Missed ?? 0, progress?.Activity)
        {
            LastSyncTime = success?.EndedAt,
            LastSyncDuration = success?.Duration?.TotalSeconds,
            NextSyncTime = next,
            State = state,
            StaleAfter = (job.StaleAfter ?? (staleAt - since))?.TotalSeconds,
            Stale = stale,
            Conditions = JobConditions.For(state, progress?.Activity, last, lastFinished, success, staleAt, stale, now),
            Progress = JobProgress.From(progress),
            LatestSnapshot = job.Snapshots.Enabled ? history.GetLatestSnapshot(job.Name)?.Name : null,
            Standby = config.Standby is not null && job.Name == StandbySettings.JobName ? StandbyStatus(config) : null,
        };
    }

    /// <summary>The pair as this machine sees it (role store and local markers); null when the role store cannot be read.</summary>
    public Standby.StandbyStatus? StandbyStatus(SyncwardenConfig config) => Standby.StandbyStore.CurrentStatus(config, time);

    private JobState StateOf(bool running, bool queued, RunProgress? progress)
    {
        if (running)
        {
            return progress?.Phase == RunPhase.Waiting ? JobState.Waiting : JobState.Running;
        }
        return queued ? JobState.Waiting : power?.Sleeping == true ? JobState.Sleeping : JobState.Idle;
    }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(ControlRequest))]
[JsonSerializable(typeof(ControlReply))]
internal sealed partial class ControlJson : JsonSerializerContext
{
    /// <summary>The context to use: the options above with readable escaping (<see cref="ReadableJson"/>).</summary>
#pragma warning disable RS0030 // Default is banned elsewhere: everything goes through Readable, which it seeds.
    public static ControlJson Readable => field ??= new(ReadableJson.Options(Default.Options));
#pragma warning restore RS0030
}
