using System.Globalization;
using Syncwarden.Locks;

namespace Syncwarden.Daemon;

/// <summary>
/// One daemon per state directory (and so per configuration): an exclusive lock on
/// STATE-DIR/daemon.lock, released by the kernel when the process ends however it ends.
/// STATE-DIR/daemon.pid beside it names the holder.
/// </summary>
public sealed class InstanceLock : IDisposable
{
    private readonly FileLock _lock;

    private InstanceLock(FileLock fileLock) => _lock = fileLock;

    public string Path => _lock.Path;

    public static string PathFor(string stateDir) => System.IO.Path.Combine(stateDir, "daemon.lock");

    /// <summary>Takes the lock, or returns null and the holder's description ("pid 123, config /etc/...").</summary>
    public static InstanceLock? TryAcquire(string stateDir, string configPath, out string? holder)
    {
        Directory.CreateDirectory(stateDir);
        var info = string.Create(CultureInfo.InvariantCulture, $"pid={Environment.ProcessId} config={configPath} started={DateTimeOffset.UtcNow:O}\n");
        if (FileLock.TryAcquire(PathFor(stateDir), InfoPath(stateDir), info, out var heldBy) is { } taken)
        {
            holder = null;
            return new InstanceLock(taken);
        }
        holder = heldBy is null ? "unknown holder"
            : heldBy.Replace("pid=", "pid ", StringComparison.Ordinal).Replace(" config=", ", config ", StringComparison.Ordinal).Replace(" started=", ", started ", StringComparison.Ordinal);
        return null;
    }

    private static string InfoPath(string stateDir) => System.IO.Path.Combine(stateDir, "daemon.pid");

    public void Dispose() => _lock.Dispose();
}
