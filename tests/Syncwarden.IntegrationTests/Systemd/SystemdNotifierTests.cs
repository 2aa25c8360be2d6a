using System.Net.Sockets;
using System.Text;
using Syncwarden.IntegrationTests.Infrastructure;
using Syncwarden.Systemd;

namespace Syncwarden.IntegrationTests.Systemd;

/// <summary>sd_notify against a real unix datagram socket bound by the test, as systemd binds NOTIFY_SOCKET.</summary>
public sealed class SystemdNotifierTests
{
    [Fact]
    public void Ready_status_stopping_reach_a_path_socket_in_order()
    {
        // Arrange
        using var temp = new TempDir("notify");
        using var listener = Bind(temp.Combine("notify.sock"));
        using var notifier = new SystemdNotifier(temp.Combine("notify.sock"));

        // Act
        notifier.Ready().Should().BeTrue();
        notifier.Status("next run nightly at 01:00\nsecond line").Should().BeTrue();
        notifier.Stopping().Should().BeTrue();

        // Assert
        Receive(listener).Should().Be("READY=1");
        Receive(listener).Should().Be("STATUS=next run nightly at 01:00 second line");
        Receive(listener).Should().Be("STOPPING=1");
    }

    [Fact]
    public void Abstract_socket_written_with_at_sign_is_reached()
    {
        var name = "syncwarden-it-" + Guid.NewGuid().ToString("N");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint("\0" + name));
        using var notifier = new SystemdNotifier("@" + name);

        notifier.Ready("idle").Should().BeTrue();

        Receive(listener).Should().Be("READY=1\nSTATUS=idle");
    }

    [Fact]
    public void Reloading_carries_the_monotonic_clock_in_microseconds()
    {
        using var temp = new TempDir("notify");
        using var listener = Bind(temp.Combine("n.sock"));
        using var notifier = new SystemdNotifier(temp.Combine("n.sock"));
        // Environment.TickCount64 reads CLOCK_MONOTONIC (coarse) on Linux: the same clock, in ms.
        var beforeMs = Environment.TickCount64;

        notifier.Reloading().Should().BeTrue();

        var message = Receive(listener);
        var afterMs = Environment.TickCount64;
        message.Should().MatchRegex("^RELOADING=1\nMONOTONIC_USEC=[0-9]+$");
        var usec = long.Parse(message[(message.IndexOf('=', 12) + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        (usec / 1000).Should().BeInRange(beforeMs - 20, afterMs + 20);
    }

    [Fact]
    public void Without_notify_socket_every_call_is_a_no_op()
    {
        using var notifier = new SystemdNotifier(null);

        notifier.IsEnabled.Should().BeFalse();
        notifier.Ready().Should().BeFalse();
        notifier.Reloading().Should().BeFalse();
        notifier.Status("x").Should().BeFalse();
        notifier.Stopping().Should().BeFalse();
    }

    [Fact]
    public void Missing_socket_fails_naming_it()
    {
        using var notifier = new SystemdNotifier("/nonexistent/syncwarden-notify.sock");

        var act = () => notifier.Ready();

        act.Should().Throw<IOException>().WithMessage("cannot notify systemd at NOTIFY_SOCKET=/nonexistent/syncwarden-notify.sock: *");
    }

    [Fact]
    public async Task Message_format_matches_systemd_notify()
    {
        // Arrange: what systemd's own client sends for the same state.
        using var temp = new TempDir("notify");
        using var listener = Bind(temp.Combine("n.sock"));
        // --no-block: otherwise systemd-notify sends a second BARRIER=1 datagram and waits for PID 1 to answer it.
        var sent = await TestProcess.RunAsync("systemd-notify", ["--no-block", "--ready", "--status=nightly: 3 files changed"], TimeSpan.FromSeconds(30),
            new Dictionary<string, string?> { ["NOTIFY_SOCKET"] = temp.Combine("n.sock") });
        sent.ExitCode.Should().Be(0, sent.ToString());
        var fromSystemd = Receive(listener);

        // Act
        using var notifier = new SystemdNotifier(temp.Combine("n.sock"));
        notifier.Ready("nightly: 3 files changed");

        // Assert
        Receive(listener).Should().Be(fromSystemd).And.Be("READY=1\nSTATUS=nightly: 3 files changed");
    }

    [Fact]
    public void FromEnvironment_removes_the_variable_so_children_do_not_inherit_it()
    {
        // Only this test touches NOTIFY_SOCKET in the test process.
        Environment.SetEnvironmentVariable(SystemdNotifier.SocketVariable, "@syncwarden-it-env");
        using var notifier = SystemdNotifier.FromEnvironment();

        notifier.SocketAddress.Should().Be("@syncwarden-it-env");
        Environment.GetEnvironmentVariable(SystemdNotifier.SocketVariable).Should().BeNull();
    }

    private static Socket Bind(string path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(path));
        return socket;
    }

    private static string Receive(Socket socket)
    {
        socket.ReceiveTimeout = 5000;
        var buffer = new byte[4096];
        var n = socket.Receive(buffer);
        return Encoding.UTF8.GetString(buffer, 0, n);
    }
}
