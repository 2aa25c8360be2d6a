using System.Runtime.InteropServices;

namespace Syncwarden.Processes;

/// <summary>
/// The exec wrapper that makes a child die with syncwarden: a 5 KB static program (<c>pdeathsig.c</c>, built with
/// the project and embedded in it) that sets the kernel's parent-death signal and execs the real program. It runs
/// from an in-memory file (memfd), so nothing is written to disk and no other user can swap it. Compared with
/// util-linux's <c>setpriv --pdeathsig</c> it skips the dynamic loader and locale set-up, which cost each run
/// several milliseconds. Where it cannot be used (a kernel that forbids executing memfds, a build without it),
/// the runner falls back to setpriv.
/// </summary>
internal static partial class ParentDeathWrapper
{
    private const string ResourceName = "pdeathsig";
    private static readonly Lazy<string?> s_path = new(Create);

    /// <summary>The path to exec (<c>/proc/self/fd/N</c>), or null when the wrapper is not available here.</summary>
    public static string? Path => s_path.Value;

    /// <summary>The wrapper's arguments before the program's own: the wrapper, then the pid the child must find as its parent.</summary>
    public static IEnumerable<string> Prefix(string wrapper) => [wrapper, Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)];

    /// <summary>The embedded program, or null in a build without it.</summary>
    public static byte[]? Program()
    {
        using var stream = typeof(ParentDeathWrapper).Assembly.GetManifestResourceStream(ResourceName);
        if (stream is null)
        {
            return null;
        }
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return bytes;
    }

    private static string? Create()
    {
        if (!OperatingSystem.IsLinux() || RuntimeInformation.ProcessArchitecture != Architecture.X64 || MemfdExecForbidden() || Program() is not { } program)
        {
            return null;
        }
        // MFD_EXEC asks for an executable memfd where the kernel (6.3+) distinguishes; older kernels refuse the flag.
        var fd = MemfdCreate("syncwarden-pdeathsig", MfdCloexec | MfdAllowSealing | MfdExec);
        if (fd < 0)
        {
            fd = MemfdCreate("syncwarden-pdeathsig", MfdCloexec | MfdAllowSealing);
        }
        if (fd < 0)
        {
            return null;
        }
        unsafe
        {
            fixed (byte* data = program)
            {
                var written = 0;
                while (written < program.Length)
                {
                    var n = Write(fd, data + written, program.Length - written);
                    if (n <= 0)
                    {
                        Close(fd);
                        return null;
                    }
                    written += (int)n;
                }
            }
        }
        // Sealed: from here on nobody, not even this process, can change what the children exec.
        if (Fcntl(fd, FAddSeals, FSealSeal | FSealShrink | FSealGrow | FSealWrite) != 0)
        {
            Close(fd);
            return null;
        }
        // Close-on-exec: the path is resolved by exec before the descriptor closes, so the child never keeps it.
        return $"/proc/self/fd/{fd.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
    }

    // vm.memfd_noexec = 2 forbids executing any memfd (since Linux 6.3).
    private static bool MemfdExecForbidden()
    {
        try
        {
            return File.Exists("/proc/sys/vm/memfd_noexec") && File.ReadAllText("/proc/sys/vm/memfd_noexec").Trim() == "2";
        }
        catch (IOException)
        {
            return true;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }

    private const uint MfdCloexec = 0x1;
    private const uint MfdAllowSealing = 0x2;
    private const uint MfdExec = 0x10;
    private const int FAddSeals = 1033;
    private const int FSealSeal = 0x1;
    private const int FSealShrink = 0x2;
    private const int FSealGrow = 0x4;
    private const int FSealWrite = 0x8;

    [LibraryImport("libc", EntryPoint = "memfd_create", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int MemfdCreate(string name, uint flags);

    [LibraryImport("libc", EntryPoint = "write")]
    private static unsafe partial nint Write(int fd, byte* buffer, nint count);

    [LibraryImport("libc", EntryPoint = "fcntl")]
    private static partial int Fcntl(int fd, int command, int argument);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}
