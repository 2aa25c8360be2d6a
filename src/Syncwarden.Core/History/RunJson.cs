namespace Syncwarden.History;

/// <summary>
/// One run as JSON: `history --json`, `run --json` and the web API's runs. Field names are a contract
/// (snapshot-tested): add fields, never rename them.
/// </summary>
public sealed record RunJson(
    long Id, string Job, RunResult Result, DateTimeOffset StartedAt, DateTimeOffset? EndedAt, double? DurationSeconds,
    int? ExitCode, string? Error, long FilesTransferred, long BytesTransferred, long TotalSize, long FilesDeleted,
    IReadOnlyList<string> FailedPaths, string? LogFile, RunTrigger Trigger)
{
    public static RunJson From(RunRecord r) => new(r.Id, r.Job, r.Result, r.StartedAt, r.EndedAt, r.Duration?.TotalSeconds,
        r.ExitCode, r.Error, r.FilesTransferred, r.BytesTransferred, r.TotalSize, r.FilesDeleted, r.FailedPaths, r.LogFile, r.Trigger);
}
