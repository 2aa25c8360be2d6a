using System.Text.Json;
using System.Text.Json.Serialization;
using Syncwarden.Configuration;
using Syncwarden.Daemon;
using Syncwarden.History;
using Syncwarden.Runs;

namespace Syncwarden.Status;

/// <summary>
/// One job's status, as `status --json`, the control socket and the web API give it. Field names are a
/// contract (snapshot-tested): add fields, never rename them.
/// </summary>
public sealed record JobStatus(
    string Job, string Direction, string? Host, int Syncs, RunResult? LastResult, DateTimeOffset? LastRunAt, double? LastDurationSeconds,
    long? LastBytesTransferred, DateTimeOffset? LastSuccessAt, string? LastError,
    string? Schedule, DateTimeOffset? NextRunAt, bool Running, int Missed, string? Activity);

/// <summary>
/// Builds every job's status from the configuration and the history, plus what a running daemon knows
/// (next runs, running and missed runs, live activity). Without a daemon, next runs are when it would
/// run them.
/// </summary>
public sealed class JobStatusQuery(HistoryStore history, TimeProvider time, JobScheduler? scheduler = null, LiveRuns? live = null)
{
    public IReadOnlyList<JobStatus> All(SyncwardenConfig config) => [.. config.Jobs.Select(j => For(config, j))];

    public JobStatus For(SyncwardenConfig config, JobConfig job)
    {
        var daemon = scheduler?.State(job.Name);
        var last = history.LastRun(job.Name);
        var success = last?.Result is RunResult.Succeeded or RunResult.Warning ? last : history.LastSuccess(job.Name);
        var next = daemon is not null ? daemon.NextRun : job.Schedule?.NextAfter(time.GetUtcNow(), config.Daemon.ResolveTimeZone());
        return new JobStatus(job.Name, job.Direction.ToString().ToLowerInvariant(), job.Host, job.Syncs.Count,
            last?.Result, last?.StartedAt, last?.Duration?.TotalSeconds,
            last?.BytesTransferred, success?.EndedAt, last?.Error,
            job.Schedule?.Describe(), next,
            daemon?.Running ?? last?.Result == RunResult.Running, daemon?.Missed ?? 0, live?.Get(job.Name)?.Activity);
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
