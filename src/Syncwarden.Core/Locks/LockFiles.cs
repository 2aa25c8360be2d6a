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
    public static async Task<IDisposable> TakeGuardAsync(CancellationToken cancellationToken = default) =>
        await FileLock.AcquireAsync(GuardPath, cancellationToken).ConfigureAwait(false);

    /// <summary>Looks at one path without changing anything (a shared, non-blocking flock test).</summary>
    public static LockFileProbe Probe(string path)
    {
        if (FileLock.Probe(path, 64 * 1024) is not { } found)
        {
            return new LockFileProbe(path, LockFileState.Free, "");
        }
        var state = found.Held ? LockFileState.Held : LockHolder.IsFlockHolder(found.Content) ? LockFileState.PresentNotHeld : LockFileState.Present;
        return new LockFileProbe(path, state, found.Content);
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
        if (FileLock.TryAcquire(path) is not { } taken)
        {
            return (null, new LockFileProbe(path, LockFileState.Held, FileLock.Probe(path, 4096)?.Content ?? ""));
        }
        try
        {
            var previous = taken.ReadContent(4096);
            // An existing empty file is what a run killed between create and write leaves behind.
            var found = previous.Length == 0 ? new LockFileProbe(path, existed ? LockFileState.PresentNotHeld : LockFileState.Free, "")
                : LockHolder.IsFlockHolder(previous) ? new LockFileProbe(path, LockFileState.PresentNotHeld, previous)
                : new LockFileProbe(path, LockFileState.Present, previous);
            if (found.Blocks)
            {
                taken.Dispose();
                return (null, found);
            }
            taken.WriteContent(content);
            return (new HeldLockFile(taken), found);
        }
        catch
        {
            taken.Dispose();
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
}

/// <summary>A lock file we hold with flock. <see cref="Release"/> removes the file, then drops the lock; call it under the guard.</summary>
public sealed class HeldLockFile : IDisposable
{
    private readonly FileLock _lock;
    private int _released;

    internal HeldLockFile(FileLock fileLock) => _lock = fileLock;

    public string Path => _lock.Path;

    /// <summary>Removes the file (a clean end is no lock file) and closes it, which releases the flock.</summary>
    public void Release()
    {
        if (Interlocked.Exchange(ref _released, 1) == 1)
        {
            return;
        }
        try
        {
            File.Delete(Path);
        }
        finally
        {
            _lock.Dispose();
        }
    }

    /// <summary>Drops the lock but leaves the file (an abnormal end).</summary>
    public void Dispose()
    {
        Interlocked.Exchange(ref _released, 1);
        _lock.Dispose();
    }
}
