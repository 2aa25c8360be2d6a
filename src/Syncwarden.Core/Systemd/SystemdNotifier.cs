using System.Globalization;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace Syncwarden.Systemd;

/// <summary>
/// sd_notify(3) without libsystemd: sends state datagrams to the unix socket named by <c>$NOTIFY_SOCKET</c>
/// (a path, or an abstract socket written with a leading '@'). Without <c>NOTIFY_SOCKET</c> (not started by
/// systemd with Type=notify) every call is a no-op returning false.
/// </summary>
/// <remarks>
/// Sending a datagram to a local socket does not block in practice, so the methods are synchronous.
/// Failures to send throw <see cref="IOException"/> naming the socket: with Type=notify, a lost READY=1
/// means systemd kills the service at its start timeout, which the daemon should log, not hide.
/// </remarks>
public sealed partial class SystemdNotifier : IDisposable
{
    public const string SocketVariable = "NOTIFY_SOCKET";

    private readonly Lock _lock = new();
    private readonly UnixDomainSocketEndPoint? _endPoint;
    private Socket? _socket;

    /// <param name="socketAddress">The NOTIFY_SOCKET value; null or empty disables notifications.</param>
    public SystemdNotifier(string? socketAddress)
    {
        if (string.IsNullOrEmpty(socketAddress))
        {
            return;
        }
        if (socketAddress[0] is not ('/' or '@'))
        {
            // sd_notify also accepts vsock: addresses (VMs); syncwarden does not run as a VM guest's service manager client.
            throw new ArgumentException($"{SocketVariable}={socketAddress} is not a unix socket path or an abstract socket (@name)", nameof(socketAddress));
        }
        SocketAddress = socketAddress;
        _endPoint = new UnixDomainSocketEndPoint(socketAddress[0] == '@' ? "\0" + socketAddress[1..] : socketAddress);
    }

    /// <summary>
    /// From <c>$NOTIFY_SOCKET</c>. With <paramref name="unsetEnvironment"/> the variable is removed so that rsync,
    /// ssh and hooks started later do not inherit it (what sd_notify's unset_environment does).
    /// </summary>
    public static SystemdNotifier FromEnvironment(bool unsetEnvironment = true)
    {
        var notifier = new SystemdNotifier(Environment.GetEnvironmentVariable(SocketVariable));
        if (unsetEnvironment)
        {
            Environment.SetEnvironmentVariable(SocketVariable, null);
        }
        return notifier;
    }

    /// <summary>The socket as given (with '@' for abstract sockets); null when notifications are off.</summary>
    public string? SocketAddress { get; }

    public bool IsEnabled => _endPoint is not null;

    /// <summary>Startup finished (or a reload finished): <c>READY=1</c>, with an optional status line.</summary>
    public bool Ready(string? status = null) => Notify(status is null ? "READY=1" : $"READY=1\nSTATUS={OneLine(status)}");

    /// <summary>Shutdown started: <c>STOPPING=1</c>.</summary>
    public bool Stopping() => Notify("STOPPING=1");

    /// <summary>A free-form status shown by <c>systemctl status</c>: <c>STATUS=...</c> (newlines become spaces).</summary>
    public bool Status(string text) => Notify($"STATUS={OneLine(text)}");

    /// <summary>
    /// Reload started: <c>RELOADING=1</c> with <c>MONOTONIC_USEC</c> (CLOCK_MONOTONIC, as systemd's reload protocol
    /// for Type=notify-reload requires); send <see cref="Ready"/> when the new configuration is in effect.
    /// </summary>
    public bool Reloading() =>
        Notify($"RELOADING=1\nMONOTONIC_USEC={MonotonicMicroseconds().ToString(CultureInfo.InvariantCulture)}");

    /// <summary>Sends raw newline-separated <c>KEY=VALUE</c> assignments. False when notifications are off.</summary>
    public bool Notify(string state)
    {
        if (_endPoint is null)
        {
            return false;
        }
        var payload = Encoding.UTF8.GetBytes(state);
        lock (_lock)
        {
            try
            {
                _socket ??= new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
                _socket.SendTo(payload, SocketFlags.None, _endPoint);
            }
            catch (SocketException ex)
            {
                throw new IOException($"cannot notify systemd at {SocketVariable}={SocketAddress}: {ex.Message} ({ex.SocketErrorCode})", ex);
            }
        }
        return true;
    }

    public void Dispose()
    {
        lock (_lock)
        {
            _socket?.Dispose();
            _socket = null;
        }
    }

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
