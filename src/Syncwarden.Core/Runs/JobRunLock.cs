using System.Globalization;

namespace Syncwarden.Runs;

/// <summary>Thrown when the job is already running in another process (the daemon or another `run`).</summary>
public sealed class JobBusyException(string job, string holder)
    : Exception($"job '{job}' is already running ({holder}); this run was not started");

/// <summary>
/// One run of a job at a time on this host, whoever starts it: an exclusive lock on
/// STATE-DIR/jobs/JOB.lock for the run's lifetime (released by the kernel however the process ends).
/// Without it a manual `run` during the daemon's run would send two rsyncs into one destination.
/// </summary>
internal sealed class JobRunLock : IDisposable
{
    private readonly FileStream _stream;
    private readonly string _infoPath;

    private JobRunLock(FileStream stream, string infoPath)
    {
        _stream = stream;
        _infoPath = infoPath;
    }

    public static JobRunLock Acquire(string stateDir, string job)
    {
        var dir = Path.Combine(stateDir, "jobs");
        Directory.CreateDirectory(dir);
        var infoPath = Path.Combine(dir, job + ".running");
        try
        {
            // On Linux, FileShare.None takes an exclusive flock on the file.
            var stream = new FileStream(Path.Combine(dir, job + ".lock"), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            try
            {
                // .NET reads take a shared lock, so the holder is described in a separate file.
                File.WriteAllText(infoPath, string.Create(CultureInfo.InvariantCulture, $"pid {Environment.ProcessId}, since {DateTimeOffset.Now:yyyy-MM-dd HH:mm:ss}"));
            }
            catch
            {
                stream.Dispose();
                throw new UnauthorizedAccessException($"cannot write {infoPath}: check the state directory's permissions and free space");
            }
            return new JobRunLock(stream, infoPath);
        }
        catch (IOException)
        {
            string holder;
            try
            {
                holder = File.ReadAllText(infoPath).Trim();
            }
            catch (IOException)
            {
                holder = "holder unknown";
            }
            throw new JobBusyException(job, holder);
        }
    }

    /// <summary>Whether any job's run lock is held by some process now (a leftover .running file does not count).</summary>
    public static bool AnyRunning(string stateDir)
    {
        var dir = Path.Combine(stateDir, "jobs");
        if (!Directory.Exists(dir))
        {
            return false;
        }
        foreach (var file in Directory.EnumerateFiles(dir, "*.lock"))
        {
            try
            {
                using var probe = new FileStream(file, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException)
            {
                return true;
            }
        }
        return false;
    }

    public void Dispose()
    {
        File.Delete(_infoPath);
        _stream.Dispose();
    }
}
