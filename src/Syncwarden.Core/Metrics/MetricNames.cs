namespace Syncwarden.Metrics;

/// <summary>
/// The names of the metrics on <c>/metrics</c>: a contract for dashboards and alerting rules (snapshot-tested,
/// documented in docs/operations.md). Add metrics, never rename one.
/// </summary>
public static class MetricNames
{
    public const string RunsTotal = "syncwarden_runs_total";
    public const string RunDuration = "syncwarden_run_duration_seconds";
    public const string LastRun = "syncwarden_last_run_timestamp_seconds";
    public const string LastSuccess = "syncwarden_last_success_timestamp_seconds";
    public const string NextRun = "syncwarden_next_run_timestamp_seconds";
    public const string Running = "syncwarden_running";
    public const string BytesTransferred = "syncwarden_bytes_transferred_total";
    public const string FilesTransferred = "syncwarden_files_transferred_total";
    public const string FilesDeleted = "syncwarden_files_deleted_total";
    public const string MissedRuns = "syncwarden_missed_runs_total";
    public const string LockWait = "syncwarden_lock_wait_seconds_total";
    public const string TransferProgress = "syncwarden_transfer_progress_ratio";
    public const string OutOfSync = "syncwarden_out_of_sync";
    public const string BuildInfo = "syncwarden_build_info";
    public const string Role = "syncwarden_role";
    public const string StandbyLag = "syncwarden_standby_lag_seconds";
    public const string StandbyRefusedPushes = "syncwarden_standby_refused_pushes_total";

    /// <summary>The label naming the job (<c>exported_job</c> after a scrape unless the scrape honours labels; see docs/operations.md).</summary>
    public const string JobLabel = "job";
    public const string ResultLabel = "result";
    public const string VersionLabel = "version";
}
