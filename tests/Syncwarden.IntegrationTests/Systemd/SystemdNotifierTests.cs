using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Hosting.Systemd;
using Syncwarden.IntegrationTests.Infrastructure;
using Syncwarden.Systemd;

namespace Syncwarden.IntegrationTests.Systemd;

/// <summary>
/// sd_notify through the hosting package's notifier with our messages, against a real unix datagram
/// socket bound by the test (as systemd binds NOTIFY_SOCKET), and the real daemon telling such a socket
/// that it is ready, reloading and stopping.
/// </summary>
public sealed class SystemdNotifierTests
{
    private static readonly Lock s_environment = new();

    [Fact]
    public void Ready_status_stopping_reach_a_path_socket_in_order()
    {
        // Arrange
        using var temp = new TempDir("notify");
        using var listener = Bind(temp.Combine("notify.sock"));
        var notifier = NotifierFor(temp.Combine("notify.sock"));

        // Act
        notifier.Notify(new ServiceState(SystemdMessages.Ready()));
        notifier.Notify(new ServiceState(SystemdMessages.Status("next run nightly at 01:00\nsecond line")));
        notifier.Notify(new ServiceState(SystemdMessages.Stopping()));

        // Assert
        notifier.IsEnabled.Should().BeTrue();
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
        var notifier = NotifierFor("@" + name);

        notifier.Notify(new ServiceState(SystemdMessages.Ready("idle")));

        Receive(listener).Should().Be("READY=1\nSTATUS=idle");
    }

    [Fact]
    public void Reloading_carries_the_monotonic_clock_in_microseconds()
    {
        // Environment.TickCount64 reads CLOCK_MONOTONIC (coarse) on Linux: the same clock, in ms.
        var beforeMs = Environment.TickCount64;

        var message = SystemdMessages.Reloading();

        var afterMs = Environment.TickCount64;
        message.Should().MatchRegex("^RELOADING=1\nMONOTONIC_USEC=[0-9]+$");
        var usec = long.Parse(message[(message.IndexOf('=', 12) + 1)..], System.Globalization.CultureInfo.InvariantCulture);
        (usec / 1000).Should().BeInRange(beforeMs - 20, afterMs + 20);
    }

    [Fact]
    public void Without_notify_socket_notifications_are_off()
    {
        var notifier = NotifierFor(null);

        notifier.IsEnabled.Should().BeFalse();
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
        NotifierFor(temp.Combine("n.sock")).Notify(new ServiceState(SystemdMessages.Ready("nightly: 3 files changed")));

        // Assert
        Receive(listener).Should().Be(fromSystemd).And.Be("READY=1\nSTATUS=nightly: 3 files changed");
    }

    [Fact]
    public async Task The_daemon_says_ready_reloading_and_stopping_and_hides_the_socket_from_its_children()
    {
        // Arrange: a job whose before hook records whether it sees NOTIFY_SOCKET.
        using var dir = new TempDir("notify-daemon");
        using var listener = Bind(dir.Combine("notify.sock"));
        var seen = dir.Combine("hook-env");
        var source = dir.CreateSubdirectory("src");
        File.WriteAllText(Path.Combine(source, "a"), "a");
        var hook = dir.Combine("record-env");
        File.WriteAllText(hook, $"#!/bin/sh\necho \"socket=${{NOTIFY_SOCKET:-none}}\" > '{seen}'\n");
        File.SetUnixFileMode(hook, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var config = new TestConfig(dir).Job("tick", $$"""
            direction: local
            catch-up: false
            schedule: "0 0 1 1 *"
            hooks: { before: [[{{TestConfig.Q(hook)}}]] }
            syncs: [ { source: {{TestConfig.Q(source)}}, destination: {{TestConfig.Q(dir.CreateSubdirectory("dst"))}} } ]
            """);

        config.Write();

        // Act
        await using var daemon = await SyncwardenCli.StartAsync(["-c", config.ConfigPath, "daemon"],
            new Dictionary<string, string?> { ["NOTIFY_SOCKET"] = dir.Combine("notify.sock") });
        string Next()
        {
            try
            {
                return Receive(listener, 30_000);
            }
            catch (SocketException ex)
            {
                throw new TimeoutException("no notification from the daemon: " + daemon.StandardErrorSoFar, ex);
            }
        }
        var atStart = new[] { Next(), Next() };
        var reload = await SyncwardenCli.RunAsync(["-c", config.ConfigPath, "reload"]);
        var onReload = new[] { Next(), Next() };
        await daemon.SignalAsync("HUP");
        var whileRunning = new[] { Next(), Next() };
        await daemon.TerminateAsync();
        var exit = await daemon.WaitAsync(TimeSpan.FromSeconds(30));
        var atStop = Next();

        // Assert
        exit.ExitCode.Should().Be(0, exit.StandardError);
        reload.ExitCode.Should().Be(0, reload.StandardError);
        atStart.Should().Contain("READY=1").And.Contain("READY=1\nSTATUS=1 job(s), 1 scheduled");
        onReload[0].Should().MatchRegex("^RELOADING=1\nMONOTONIC_USEC=[0-9]+$");
        onReload[1].Should().Be("READY=1\nSTATUS=1 job(s), 1 scheduled");
        whileRunning[0].Should().StartWith("STATUS=running tick (run ");
        whileRunning[1].Should().Be("STATUS=tick: last run succeeded");
        atStop.Should().Be("STOPPING=1");
        File.ReadAllText(seen).Trim().Should().Be("socket=none", "rsync, ssh and hooks must not inherit NOTIFY_SOCKET");
    }

    /// <summary>The hosting package's notifier reads NOTIFY_SOCKET when made; set it only for that moment.</summary>
    private static SystemdNotifier NotifierFor(string? address)
    {
        lock (s_environment)
        {
            var saved = Environment.GetEnvironmentVariable(SystemdMessages.SocketVariable);
            Environment.SetEnvironmentVariable(SystemdMessages.SocketVariable, address);
            try
            {
                return new SystemdNotifier();
            }
            finally
            {
                Environment.SetEnvironmentVariable(SystemdMessages.SocketVariable, saved);
            }
        }
    }

    private static Socket Bind(string path)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(path));
        return socket;
    }

    private static string Receive(Socket socket, int timeoutMs = 5000)
    {
        socket.ReceiveTimeout = timeoutMs;
        var buffer = new byte[4096];
        var n = socket.Receive(buffer);
        return Encoding.UTF8.GetString(buffer, 0, n);
    }
}
