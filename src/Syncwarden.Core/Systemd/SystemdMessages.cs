using System.Globalization;
using System.Runtime.InteropServices;

namespace Syncwarden.Systemd;

/// <summary>
/// The sd_notify(3) messages the daemon sends through <c>Microsoft.Extensions.Hosting.Systemd</c>'s notifier;
/// what that package lacks: a STATUS kept on one line, and RELOADING=1 with the MONOTONIC_USEC that
/// systemd's reload protocol asks for.
/// </summary>
public static partial class SystemdMessages
{
    public const string SocketVariable = "NOTIFY_SOCKET";

    public static string Ready(string? status = null) => status is null ? "READY=1" : $"READY=1\nSTATUS={OneLine(status)}";

    public static string Status(string text) => $"STATUS={OneLine(text)}";

    public static string Stopping() => "STOPPING=1";

    /// <summary>RELOADING=1 with MONOTONIC_USEC (CLOCK_MONOTONIC); send <see cref="Ready"/> once the new configuration is in effect.</summary>
    public static string Reloading() =>
        $"RELOADING=1\nMONOTONIC_USEC={MonotonicMicroseconds().ToString(CultureInfo.InvariantCulture)}";

    /// <summary>
    /// Removes NOTIFY_SOCKET from this process's environment once the notifier has read it, so that
    /// rsync, ssh and hooks started later do not inherit it (what sd_notify's unset_environment does).
    /// </summary>
    public static void HideSocketFromChildren() => Environment.SetEnvironmentVariable(SocketVariable, null);

    private static string OneLine(string text) => text.ReplaceLineEndings(" ");

    /// <summary>CLOCK_MONOTONIC in microseconds, the clock systemd compares MONOTONIC_USEC with.</summary>
    internal static long MonotonicMicroseconds()
    {
        if (ClockGetTime(ClockMonotonic, out var now) != 0)
        {
            throw new IOException($"clock_gettime(CLOCK_MONOTONIC) failed: errno {Marshal.GetLastPInvokeError().ToString(CultureInfo.InvariantCulture)}");
        }
        return (now.Seconds * 1_000_000) + (now.Nanoseconds / 1_000);
    }

    private const int ClockMonotonic = 1;

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime", SetLastError = true)]
    private static partial int ClockGetTime(int clockId, out TimeSpec time);
}
