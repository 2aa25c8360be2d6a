using Syncwarden.Configuration;
using Syncwarden.Ssh;

namespace Syncwarden.Runs;

/// <summary>What one sync (one rsync invocation, after retries) produced.</summary>
internal sealed record SyncOutcome(ExitCodeClass Class, int ExitCode, string? Error, bool Cancelled, bool NetworkClass)
{
    public long FilesTransferred { get; init; }
    public long BytesTransferred { get; init; }
    public long TotalSize { get; init; }
    public long FilesDeleted { get; init; }
    public IReadOnlyList<string> FailedPaths { get; init; } = [];
    /// <summary>What ssh said was wrong with the host, when ssh was the problem.</summary>
    public SshProblem Ssh { get; init; }

    public static SyncOutcome Failed(string error, int exitCode = -1) => new(ExitCodeClass.Failure, exitCode, error, false, false);
}
