using System.Diagnostics;
using Syncwarden.Processes;
using Syncwarden.Configuration;
using Syncwarden.IntegrationTests.Infrastructure;
using Syncwarden.Power;

namespace Syncwarden.IntegrationTests.Power;

/// <summary>
/// A real interactive SSH login (<c>ssh -tt</c>, so sshd allocates a pty and records the login in utmp) keeps
/// the host awake; after logout it may sleep. Reads the system's real /var/run/utmp with the real parser.
/// </summary>
[Collection(SshCollection.Name)]
public sealed class SshSessionKeepsAwakeTests(SshServerFixture fixture)
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(15);
    private readonly SshServer _server = fixture.Server;

    [Fact]
    public async Task Open_ssh_session_keeps_the_host_awake_and_is_named()
    {
        // Arrange
        using var utmp = SystemUtmp.Ensure();
        using var temp = new TempDir("power");
        var settings = new PowerSettings { SleepAfterRun = true, RtcwakePath = "/bin/false", StayAwakeFile = temp.Combine("stay-awake") };
        var source = new UtmpSessionSource();
        var manager = new PowerManager(settings, source, new ProcessRunner());
        var now = DateTimeOffset.UtcNow;
        var before = (await source.GetSessionsAsync()).Select(s => s.Line).ToHashSet();

        // -tt forces a pty even without a local terminal; that is what makes sshd write the utmp record.
        await using var ssh = TestProcess.Start("ssh", [.. _server.SshArgs, "-tt", _server.Address, "--", "sleep", "30"]);
        var session = await WaitForAsync(source, s => s.Host == "127.0.0.1" && s.User == "root" && !before.Contains(s.Line), ssh);

        // Act
        var decision = await manager.DecideAsync(now, now.AddHours(8), jobsRunning: false);

        // Assert
        var awake = decision.Should().BeOfType<StayAwake>().Subject;
        awake.Reason.Should().Be(StayAwakeReason.UserSession);
        awake.Message.Should().Contain($"root on {session.Line} from 127.0.0.1 (pid {session.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)}");

        // Logging out removes the session (sshd marks the record DEAD_PROCESS).
        await ssh.TerminateAsync();
        await WaitGoneAsync(source, session.Line);
        if ((await source.GetSessionsAsync()).Count == 0)
        {
            (await manager.DecideAsync(now, now.AddHours(8), jobsRunning: false)).Should().BeOfType<Sleep>();
        }
    }

    private static async Task<UserSession> WaitForAsync(UtmpSessionSource source, Func<UserSession, bool> match, RunningProcess ssh)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < s_wait)
        {
            if ((await source.GetSessionsAsync()).FirstOrDefault(match) is { } found)
            {
                return found;
            }
            if (ssh.HasExited)
            {
                throw new InvalidOperationException($"ssh -tt exited before a utmp session appeared: {await ssh.Completion}");
            }
            await Task.Delay(100);
        }
        throw new TimeoutException($"no utmp session for root from 127.0.0.1 within {s_wait}; ssh stderr: {ssh.StandardErrorSoFar}");
    }

    private static async Task WaitGoneAsync(UtmpSessionSource source, string line)
    {
        var clock = Stopwatch.StartNew();
        while ((await source.GetSessionsAsync()).Any(s => s.Line == line))
        {
            clock.Elapsed.Should().BeLessThan(s_wait, $"the session on {line} should end when ssh is stopped");
            await Task.Delay(100);
        }
    }
}

/// <summary>
/// Makes sure /var/run/utmp exists. On a normal host systemd-tmpfiles creates it at boot; in this container
/// nothing does, and sshd (like login) only records sessions in an existing file. A file created here is
/// removed again on dispose; one that was already there is left alone.
/// </summary>
internal sealed class SystemUtmp : IDisposable
{
    private readonly bool _created;

    private SystemUtmp(bool created) => _created = created;

    public static SystemUtmp Ensure()
    {
        var path = UtmpSessionSource.DefaultPath;
        if (File.Exists(path))
        {
            return new SystemUtmp(created: false);
        }
        using (new FileStream(path, FileMode.CreateNew, FileAccess.Write))
        {
        }
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.OtherRead);
        return new SystemUtmp(created: true);
    }

    public void Dispose()
    {
        if (_created)
        {
            File.Delete(UtmpSessionSource.DefaultPath);
        }
    }
}
