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
            try
            {
                // .NET reads take a shared lock, so the holder is described in a separate, unlocked file.
                File.WriteAllText(InfoPath(stateDir), string.Create(CultureInfo.InvariantCulture, $"pid={Environment.ProcessId} config={configPath} started={DateTimeOffset.UtcNow:O}\n"));
            }
            catch
            {
                stream.Dispose();
                throw new UnauthorizedAccessException($"cannot write {InfoPath(stateDir)}: check the state directory's permissions and free space");
            }
            holder = null;
            return new InstanceLock(stream, path);
        }
        catch (IOException)
        {
            holder = ReadHolder(stateDir);
            return null;
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
