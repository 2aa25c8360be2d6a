using System.Runtime.InteropServices;
using System.Text;

namespace Syncwarden.Locks;

/// <summary>
/// Raw open/flock/read/write. .NET's FileStream takes its own flock(LOCK_SH|LOCK_NB) to emulate FileShare,
/// which would collide with ours, so lock files are only ever touched through these calls.
/// Every descriptor is O_CLOEXEC: rsync and ssh children must never inherit (and so keep) a lock.
/// </summary>
internal static partial class LockNative
{
    private const int ORdOnly = 0, ORdWr = 2, OCreat = 0x40, ONoCtty = 0x100, OCloExec = 0x80000;
    public const int LockSh = 1, LockEx = 2, LockNb = 4, LockUn = 8;
    private const int EIntr = 4, EWouldBlock = 11;

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    private static partial int Flock(int fd, int operation);

    [LibraryImport("libc", EntryPoint = "ftruncate", SetLastError = true)]
    private static partial int Ftruncate(int fd, long length);

    [LibraryImport("libc", EntryPoint = "pwrite", SetLastError = true)]
    private static unsafe partial nint Pwrite(int fd, byte* buffer, nint count, long offset);

    [LibraryImport("libc", EntryPoint = "pread", SetLastError = true)]
    private static unsafe partial nint Pread(int fd, byte* buffer, nint count, long offset);

    /// <summary>Opens (creating with 0644 when asked) and returns the fd; throws IOException naming the path.</summary>
    public static int OpenFile(string path, bool create)
    {
        var fd = Open(path, (create ? ORdWr | OCreat : ORdOnly) | ONoCtty | OCloExec, Convert.ToInt32("644", 8));
        if (fd < 0)
        {
            throw Error(path, create ? "cannot open or create lock file" : "cannot open");
        }
        return fd;
    }

    /// <summary>Opens an existing file read-only, or returns -1 when it does not exist.</summary>
    public static int OpenExisting(string path)
    {
        var fd = Open(path, ORdOnly | ONoCtty | OCloExec, 0);
        if (fd < 0 && Marshal.GetLastPInvokeError() != 2 /* ENOENT */)
        {
            throw Error(path, "cannot open");
        }
        return fd;
    }

    /// <summary>flock with EINTR retried. False only when LOCK_NB was given and another descriptor holds a conflicting lock.</summary>
    public static bool TryFlock(int fd, int operation, string path)
    {
        while (true)
        {
            if (Flock(fd, operation) == 0)
            {
                return true;
            }
            var errno = Marshal.GetLastPInvokeError();
            if (errno == EIntr)
            {
                continue;
            }
            if (errno == EWouldBlock && (operation & LockNb) != 0)
            {
                return false;
            }
            throw Error(path, "flock failed");
        }
    }

    public static unsafe void Replace(int fd, string content, string path)
    {
        var bytes = Encoding.UTF8.GetBytes(content);
        if (Ftruncate(fd, 0) != 0)
        {
            throw Error(path, "cannot truncate");
        }
        fixed (byte* p = bytes)
        {
            long done = 0;
            while (done < bytes.Length)
            {
                var n = Pwrite(fd, p + done, (nint)(bytes.Length - done), done);
                if (n < 0)
                {
                    throw Error(path, "cannot write");
                }
                done += n;
            }
        }
    }

    public static unsafe string ReadPrefix(int fd, int max)
    {
        var buffer = new byte[max];
        fixed (byte* p = buffer)
        {
            var n = Pread(fd, p, max, 0);
            return n <= 0 ? "" : Encoding.UTF8.GetString(buffer, 0, (int)n);
        }
    }

    private static IOException Error(string path, string what)
    {
        var errno = Marshal.GetLastPInvokeError();
        return new IOException($"{path}: {what}: {Marshal.GetPInvokeErrorMessage(errno)}");
    }
}
