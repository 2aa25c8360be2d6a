using System.Text.Json.Serialization;

namespace Syncwarden.History;

/// <summary>How a run ended; its kebab-case name is stored in the history database and printed in JSON.</summary>
[JsonConverter(typeof(KebabCaseEnumConverter<RunResult>))]
public enum RunResult { Running, Succeeded, Warning, Failed, Cancelled, Skipped }

/// <summary>What started a run; its kebab-case name (<c>catch-up</c>) is stored in the history database and printed in JSON.</summary>
[JsonConverter(typeof(KebabCaseEnumConverter<RunTrigger>))]
public enum RunTrigger
{
    /// <summary><c>syncwarden run</c>, or <c>run</c> on the daemon's control socket.</summary>
    Manual,
    /// <summary>The daemon, at a due time.</summary>
    Schedule,
    /// <summary>The daemon at start, for a due time missed while it was down.</summary>
    CatchUp,
    /// <summary>SIGHUP to the daemon.</summary>
    Signal,
    /// <summary>"Run now" on the web dashboard, or <c>POST /api/jobs/{job}/run</c>.</summary>
    Web,
}

/// <summary>One run of one job, as stored in the history database.</summary>
public sealed record RunRecord
{
    public long Id { get; init; }
    public required string Job { get; init; }
    public required DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset? EndedAt { get; init; }
    public TimeSpan? Duration => EndedAt is { } end ? end - StartedAt : null;
    public RunResult Result { get; init; } = RunResult.Running;
    /// <summary>rsync's exit code of the sync that decided the result (0 when all succeeded).</summary>
    public int? ExitCode { get; init; }
    public string? Error { get; init; }
    public long FilesTransferred { get; init; }
    /// <summary>Size of the file data that was sent (rsync's "total transferred file size").</summary>
    public long BytesTransferred { get; init; }
    /// <summary>Total size of the source files considered.</summary>
    public long TotalSize { get; init; }
    public long FilesDeleted { get; init; }
    /// <summary>Paths rsync reported it could not transfer (exit 23) or that vanished (24).</summary>
    public IReadOnlyList<string> FailedPaths { get; init; } = [];
    public string? LogFile { get; init; }
    public int? ProcessId { get; init; }
    public RunTrigger Trigger { get; init; } = RunTrigger.Manual;
}
