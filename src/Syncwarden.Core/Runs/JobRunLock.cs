using System.Globalization;
using Syncwarden.Locks;

namespace Syncwarden.Runs;

/// <summary>Thrown when the job is already running in another process (the daemon or another `run`).</summary>
public sealed class JobBusyException(string job, string holder)
    : Exception($"job '{job}' is already running ({holder}); this run was not started");

/// <summary>
/// One run of a job at a time on this host, whoever starts it: an exclusive lock on
/// STATE-DIR/jobs/JOB.lock for the run's lifetime (released by the kernel however the process ends),
/// with JOB.running beside it naming the holder.
/// Without it a manual `run` during the daemon's run would send two rsyncs into one destination.
/// </summary>
public sealed class JobRunLock : IDisposable
{
    private const string LockSuffix = ".lock";
    private readonly FileLock _lock;

    private JobRunLock(FileLock fileLock) => _lock = fileLock;

    /// <exception cref="JobBusyException">Another process runs the job.</exception>
    public static JobRunLock Acquire(string stateDir, string job)
    {
        Directory.CreateDirectory(JobsDirectory(stateDir));
        var holder = string.Create(CultureInfo.InvariantCulture, $"pid {Environment.ProcessId}, since {DateTimeOffset.Now:yyyy-MM-dd HH:mm:ss}");
        var taken = FileLock.TryAcquire(LockPath(stateDir, job), Path.Combine(JobsDirectory(stateDir), job + ".running"), holder, out var heldBy);
        return taken is not null ? new JobRunLock(taken) : throw new JobBusyException(job, heldBy ?? "holder unknown");
    }

    /// <summary>
    /// Whether some process (the daemon or a `syncwarden run`) runs <paramref name="job"/> right now. Asks the lock,
    /// not the JOB.running file: a run killed with kill -9 leaves that file behind, but never the lock.
    /// </summary>
    public static bool IsRunning(string stateDir, string job) => FileLock.IsHeld(LockPath(stateDir, job));

    /// <summary>The jobs that some process runs right now (see <see cref="IsRunning"/>), sorted.</summary>
    public static IReadOnlyList<string> Running(string stateDir)
    {
        var dir = JobsDirectory(stateDir);
        if (!Directory.Exists(dir))
        {
            return [];
        }
        return [.. Directory.EnumerateFiles(dir, "*" + LockSuffix).Where(FileLock.IsHeld)
            .Select(path => Path.GetFileName(path)[..^LockSuffix.Length]).Order(StringComparer.Ordinal)];
    }

    /// <summary>Whether any job runs right now in any process on this state directory.</summary>
    public static bool AnyRunning(string stateDir) => Running(stateDir).Count > 0;

    public void Dispose() => _lock.Dispose();

    private static string JobsDirectory(string stateDir) => Path.Combine(stateDir, "jobs");

    private static string LockPath(string stateDir, string job) => Path.Combine(JobsDirectory(stateDir), job + LockSuffix);
}
