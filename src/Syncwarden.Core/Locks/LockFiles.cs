using System.Text.Json.Serialization;

namespace Syncwarden.Locks;

/// <summary>What is found at a lock path; <c>lock list</c> shows it by its kebab-case name (<c>present-not-held</c>).</summary>
[JsonConverter(typeof(KebabCaseEnumConverter<LockFileState>))]
public enum LockFileState
{
    /// <summary>No file.</summary>
    Free,
    /// <summary>A syncwarden run holds it with flock.</summary>
    Held,
    /// <summary>A file that is not flock-held: another product's lock file (Veeam), or one made by <c>syncwarden lock acquire</c>.</summary>
    Present,
    /// <summary>A syncwarden flock lock file nobody holds: the run that wrote it was aborted. Never blocks.</summary>
    PresentNotHeld,
}

/// <summary>One probed file: its state and the first line of its content.</summary>
public sealed record LockFileProbe(string Path, LockFileState State, string Content)
{
    public bool Blocks => State is LockFileState.Held or LockFileState.Present;
}

/// <summary>Local lock files: probing, taking with flock(2), and the per-host guard.</summary>
public static class LockFiles
{
    /// <summary>
    /// The per-host guard: held (briefly) around "check every blocks-on + take every lock", and around releases,
    /// so two instances can never both see a path free. /run/lock when it exists (tmpfs, root), else /tmp.
    /// </summary>
    public static string GuardPath => Directory.Exists("/run/lock") ? "/run/lock/syncwarden.guard" : "/tmp/syncwarden.guard";

    /// <summary>Takes the guard. A blocking flock on a worker thread: holders keep it for milliseconds only.</summary>
    public static async Task<IDisposable> TakeGuardAsync(CancellationToken cancellationToken = default)
    {
        var path = GuardPath;
        var fd = LockNative.OpenFile(path, create: true);
        try
        {
            if (!LockNative.TryFlock(fd, LockNative.LockEx | LockNative.LockNb, path))
            {
                await Task.Run(() => LockNative.TryFlock(fd, LockNative.LockEx, path), cancellationToken).ConfigureAwait(false);
            }
            return new FdCloser(fd);
        }
        catch
        {
            LockNative.Close(fd);
            throw;
        }
    }

    /// <summary>Looks at one path without changing anything (a shared, non-blocking flock test).</summary>
    public static LockFileProbe Probe(string path)
    {
        var fd = LockNative.OpenExisting(path);
        if (fd < 0)
        {
            return new LockFileProbe(path, LockFileState.Free, "");
        }
        try
        {
            var content = LockNative.ReadPrefix(fd, 64 * 1024);
            if (!LockNative.TryFlock(fd, LockNative.LockSh | LockNative.LockNb, path))
            {
                return new LockFileProbe(path, LockFileState.Held, content);
            }
            return new LockFileProbe(path, LockHolder.IsFlockHolder(content) ? LockFileState.PresentNotHeld : LockFileState.Present, content);
        }
        finally
        {
            LockNative.Close(fd);
        }
    }

    /// <summary>Probes every existing file matched by a blocks-on path or pattern.</summary>
    public static IEnumerable<LockFileProbe> ProbePattern(string pattern) => LockGlob.Expand(pattern).Select(Probe);

    /// <summary>
    /// Takes <paramref name="path"/> with flock(LOCK_EX|LOCK_NB) and writes <paramref name="content"/> into it.
    /// Returns the probe of what blocked it instead (held, or a plain lock file present). Call under the guard.
    /// </summary>
    public static (HeldLockFile? Held, LockFileProbe Found) TryTake(string path, string content)
    {
        var dir = Path.GetDirectoryName(path);
        if (dir is { Length: > 0 })
        {
            Directory.CreateDirectory(dir);
        }
        var existed = File.Exists(path);
        var fd = LockNative.OpenFile(path, create: true);
        try
        {
            var previous = LockNative.ReadPrefix(fd, 4096);
            if (!LockNative.TryFlock(fd, LockNative.LockEx | LockNative.LockNb, path))
            {
                LockNative.Close(fd);
                return (null, new LockFileProbe(path, LockFileState.Held, previous));
            }
            // An existing empty file is what a run killed between create and write leaves behind.
            var found = previous.Length == 0 ? new LockFileProbe(path, existed ? LockFileState.PresentNotHeld : LockFileState.Free, "")
                : LockHolder.IsFlockHolder(previous) ? new LockFileProbe(path, LockFileState.PresentNotHeld, previous)
                : new LockFileProbe(path, LockFileState.Present, previous);
            if (found.Blocks)
            {
                LockNative.Close(fd);
                return (null, found);
            }
            LockNative.Replace(fd, content, path);
            return (new HeldLockFile(path, fd), found);
        }
        catch
        {
            LockNative.Close(fd);
            throw;
        }
    }

    /// <summary>Writes a plain (not flock-held) lock file: the lock acquire command's lock.</summary>
    public static void WritePlain(string path, string content)
    {
        var fd = LockNative.OpenFile(path, create: true);
        try
        {
            LockNative.Replace(fd, content, path);
        }
        finally
        {
            LockNative.Close(fd);
        }
    }

    private sealed class FdCloser(int fd) : IDisposable
    {
        private int _fd = fd;

        public void Dispose()
        {
            var fd = Interlocked.Exchange(ref _fd, -1);
            if (fd >= 0)
            {
                LockNative.Close(fd);
            }
        }
    }
}

/// <summary>A lock file we hold with flock. <see cref="Release"/> removes the file, then drops the lock; call it under the guard.</summary>
public sealed class HeldLockFile : IDisposable
{
    private int _fd;

    internal HeldLockFile(string path, int fd)
    {
        Path = path;
        _fd = fd;
    }

    public string Path { get; }

    /// <summary>Removes the file (a clean end is no lock file) and closes it, which releases the flock.</summary>
    public void Release()
    {
        if (_fd < 0)
        {
            return;
        }
        try
        {
            File.Delete(Path);
        }
        finally
        {
            Dispose();
        }
    }

    /// <summary>Drops the lock but leaves the file (an abnormal end).</summary>
    public void Dispose()
    {
        var fd = Interlocked.Exchange(ref _fd, -1);
        if (fd >= 0)
        {
            LockNative.Close(fd);
        }
    }
}
