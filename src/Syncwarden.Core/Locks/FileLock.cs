namespace Syncwarden.Locks;

/// <summary>
/// An exclusive flock(2) on one file, held until disposed or until the process ends however it ends (the
/// kernel drops it with the descriptor, so a kill -9 leaves nothing held). The one flock wrapper: the daemon's
/// instance lock, a job's run lock, the lock files of locks and blocks-on, and the per-host guard.
/// The descriptor is O_CLOEXEC: rsync, ssh and hooks never inherit (and so keep) a lock.
/// </summary>
public sealed class FileLock : IDisposable
{
    private int _fd;
    private string? _holderPath;

    private FileLock(string path, int fd)
    {
        Path = path;
        _fd = fd;
    }

    public string Path { get; }

    /// <summary>Takes <paramref name="path"/> (created 0644 when missing) without waiting; null when another holder has it.</summary>
    public static FileLock? TryAcquire(string path)
    {
        var fd = LockNative.OpenFile(path, create: true);
        try
        {
            if (LockNative.TryFlock(fd, LockNative.LockEx | LockNative.LockNb, path))
            {
                return new FileLock(path, fd);
            }
        }
        catch
        {
            LockNative.Close(fd);
            throw;
        }
        LockNative.Close(fd);
        return null;
    }

    /// <summary>
    /// Takes <paramref name="path"/> like <see cref="TryAcquire(string)"/> and describes the holder in the side file
    /// <paramref name="holderPath"/>, which others can read at any time and which disposing removes. When another
    /// holder has the lock, returns null and that holder's description (null when it cannot be read).
    /// </summary>
    /// <exception cref="UnauthorizedAccessException">The side file cannot be written; the lock is not kept.</exception>
    public static FileLock? TryAcquire(string path, string holderPath, string holder, out string? heldBy)
    {
        if (TryAcquire(path) is not { } taken)
        {
            heldBy = ReadHolder(holderPath);
            return null;
        }
        try
        {
            File.WriteAllText(holderPath, holder);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            taken.Dispose();
            throw new UnauthorizedAccessException($"cannot write {holderPath}: check the directory's permissions and free space", ex);
        }
        taken._holderPath = holderPath;
        heldBy = null;
        return taken;
    }

    /// <summary>Waits for <paramref name="path"/> with a blocking flock on a worker thread: for locks held for milliseconds only.</summary>
    public static async Task<FileLock> AcquireAsync(string path, CancellationToken cancellationToken = default)
    {
        var fd = LockNative.OpenFile(path, create: true);
        try
        {
            if (!LockNative.TryFlock(fd, LockNative.LockEx | LockNative.LockNb, path))
            {
                await Task.Run(() => LockNative.TryFlock(fd, LockNative.LockEx, path), cancellationToken).ConfigureAwait(false);
            }
            return new FileLock(path, fd);
        }
        catch
        {
            LockNative.Close(fd);
            throw;
        }
    }

    /// <summary>
    /// Whether some process holds <paramref name="path"/> right now, whatever files it left beside it: a non-blocking
    /// shared flock, dropped at once (a shared probe never disturbs another prober). False when there is no such file.
    /// </summary>
    public static bool IsHeld(string path) => Probe(path, 0) is { Held: true };

    /// <summary>Looks at <paramref name="path"/> without changing it: held or not, and up to <paramref name="maxContent"/> bytes of it. Null when missing.</summary>
    internal static (bool Held, string Content)? Probe(string path, int maxContent)
    {
        var fd = LockNative.OpenExisting(path);
        if (fd < 0)
        {
            return null;
        }
        try
        {
            var content = maxContent > 0 ? LockNative.ReadPrefix(fd, maxContent) : "";
            return (!LockNative.TryFlock(fd, LockNative.LockSh | LockNative.LockNb, path), content);
        }
        finally
        {
            LockNative.Close(fd);
        }
    }

    /// <summary>The first <paramref name="max"/> bytes of the locked file (read through our descriptor: .NET's own reads would take a flock of their own).</summary>
    internal string ReadContent(int max) => LockNative.ReadPrefix(Fd, max);

    /// <summary>Replaces the locked file's content.</summary>
    internal void WriteContent(string content) => LockNative.Replace(Fd, content, Path);

    /// <summary>Removes the side file (so it never names a past holder), then drops the lock.</summary>
    public void Dispose()
    {
        var fd = Interlocked.Exchange(ref _fd, -1);
        if (fd < 0)
        {
            return;
        }
        try
        {
            if (_holderPath is not null)
            {
                File.Delete(_holderPath);
            }
        }
        finally
        {
            LockNative.Close(fd);
        }
    }

    private int Fd => _fd >= 0 ? _fd : throw new ObjectDisposedException(Path);

    private static string? ReadHolder(string holderPath)
    {
        try
        {
            return File.ReadAllText(holderPath).Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Not written yet by a holder that has just taken the lock, or not readable by us.
            return null;
        }
    }
}
