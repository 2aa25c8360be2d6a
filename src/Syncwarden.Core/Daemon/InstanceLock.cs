using System.Globalization;

namespace Syncwarden.Daemon;

/// <summary>
/// One daemon per state directory (and so per configuration): an exclusive lock on
/// STATE-DIR/daemon.lock, released by the kernel when the process ends however it ends.
/// </summary>
public sealed class InstanceLock : IDisposable
{
    private readonly FileStream _stream;

    private InstanceLock(FileStream stream, string path)
    {
        _stream = stream;
        Path = path;
    }

    public string Path { get; }

    public static string PathFor(string stateDir) => System.IO.Path.Combine(stateDir, "daemon.lock");

    /// <summary>Takes the lock, or returns null and the holder's description ("pid 123, config /etc/...").</summary>
    public static InstanceLock? TryAcquire(string stateDir, string configPath, out string? holder)
    {
        Directory.CreateDirectory(stateDir);
        var path = PathFor(stateDir);
        try
        {
            // On Linux, FileShare.None takes an exclusive advisory lock (flock) on the file.
            var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            // .NET reads take a shared lock, so the holder is described in a separate, unlocked file.
            File.WriteAllText(InfoPath(stateDir), string.Create(CultureInfo.InvariantCulture, $"pid={Environment.ProcessId} config={configPath} started={DateTimeOffset.UtcNow:O}\n"));
            holder = null;
            return new InstanceLock(stream, path);
        }
        catch (IOException)
        {
            holder = ReadHolder(stateDir);
            return null;
        }
    }

    /// <summary>The description in the lock file when a daemon holds it, else null.</summary>
    public static string? RunningDaemon(string stateDir)
    {
        var path = PathFor(stateDir);
        if (!File.Exists(path))
        {
            return null;
        }
        try
        {
            using var probe = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.None);
            return null;
        }
        catch (IOException)
        {
            return ReadHolder(stateDir);
        }
    }

    private static string InfoPath(string stateDir) => System.IO.Path.Combine(stateDir, "daemon.pid");

    private static string ReadHolder(string stateDir)
    {
        try
        {
            return File.ReadAllText(InfoPath(stateDir)).Trim().Replace("pid=", "pid ", StringComparison.Ordinal).Replace(" config=", ", config ", StringComparison.Ordinal).Replace(" started=", ", started ", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return "unknown holder";
        }
    }

    public void Dispose()
    {
        File.Delete(InfoPath(System.IO.Path.GetDirectoryName(Path)!));
        _stream.Dispose();
    }
}
