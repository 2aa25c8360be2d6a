using System.Globalization;
using Syncwarden.Processes;
using Syncwarden.Configuration;
using Syncwarden.IntegrationTests.Infrastructure;
using Syncwarden.Power;

namespace Syncwarden.IntegrationTests.Power;

/// <summary>
/// rtcwake is replaced by a script that records its argv: the real one would suspend or power off the test
/// machine if it had an RTC (this one has none, see docs/operations.md), so it is never run by tests.
/// </summary>
public sealed class RtcwakeCommandTests
{
    private static readonly DateTimeOffset s_now = new(2026, 3, 1, 2, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(SleepMode.Mem, "mem")]
    [InlineData(SleepMode.Disk, "disk")]
    [InlineData(SleepMode.Off, "off")]
    public async Task Sleep_runs_rtcwake_with_mode_and_absolute_wake_time(SleepMode mode, string word)
    {
        // Arrange
        using var temp = new TempDir("power");
        var argvFile = temp.Combine("argv");
        var rtcwake = WriteScript(temp.Combine("rtcwake"), $"printf '%s\\n' \"$@\" > '{argvFile}'\nexit 0\n");
        var settings = new PowerSettings
        {
            SleepAfterRun = true, Mode = mode, WakeMargin = TimeSpan.FromMinutes(7),
            RtcwakePath = rtcwake, StayAwakeFile = temp.Combine("stay-awake"),
        };
        var manager = new PowerManager(settings, new UtmpSessionSource(temp.Combine("utmp")), new ProcessRunner());
        var nextRun = s_now.AddHours(22).AddSeconds(30);

        // Act
        var decision = await manager.DecideAsync(s_now, nextRun, jobsRunning: false);
        await manager.SleepAsync(decision);

        // Assert
        var wake = nextRun.AddMinutes(-7);
        decision.Should().BeOfType<Sleep>().Which.WakeAt.Should().Be(wake);
        (await File.ReadAllLinesAsync(argvFile)).Should().Equal("-m", word, "-t", wake.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture));
        wake.ToUnixTimeSeconds().Should().Be(1772409210); // 2026-03-01 23:53:30 UTC: the time_t, not a local clock reading
    }

    [Fact]
    public async Task Stay_awake_file_keeps_the_host_awake_and_rtcwake_is_not_run()
    {
        // Arrange
        using var temp = new TempDir("power");
        var argvFile = temp.Combine("argv");
        var stayAwake = temp.Combine("stay-awake");
        await File.WriteAllTextAsync(stayAwake, "maintenance\n");
        var manager = new PowerManager(
            new PowerSettings
            {
                SleepAfterRun = true, StayAwakeFile = stayAwake,
                RtcwakePath = WriteScript(temp.Combine("rtcwake"), $"touch '{argvFile}'\n"),
            },
            new UtmpSessionSource(temp.Combine("utmp")), new ProcessRunner());

        // Act
        var decision = await manager.DecideAsync(s_now, s_now.AddHours(5), jobsRunning: false);
        await manager.SleepAsync(decision);

        // Assert
        decision.Should().BeOfType<StayAwake>().Which.Describe().Should().Be($"staying awake: {stayAwake} exists (remove it to allow sleeping)");
        File.Exists(argvFile).Should().BeFalse();

        // ...and removing the file lets it sleep.
        File.Delete(stayAwake);
        (await manager.DecideAsync(s_now, s_now.AddHours(5), jobsRunning: false)).Should().BeOfType<Sleep>();
    }

    [Fact]
    public async Task Failing_rtcwake_is_reported_with_exit_code_message_and_fix()
    {
        // Arrange: what util-linux rtcwake prints on this machine, which has no RTC.
        using var temp = new TempDir("power");
        var rtcwake = WriteScript(temp.Combine("rtcwake"), "echo 'rtcwake: /dev/rtc0: unable to find device: No such file or directory' >&2\nexit 1\n");
        var manager = new PowerManager(new PowerSettings { SleepAfterRun = true, RtcwakePath = rtcwake, StayAwakeFile = temp.Combine("x") },
            new UtmpSessionSource(temp.Combine("utmp")), new ProcessRunner());
        var decision = await manager.DecideAsync(s_now, s_now.AddHours(5), jobsRunning: false);

        // Act
        var act = () => manager.SleepAsync(decision);

        // Assert
        var ex = (await act.Should().ThrowAsync<SleepFailedException>()).Which;
        ex.ExitCode.Should().Be(1);
        ex.Message.Should().StartWith($"cannot put the host to sleep: {rtcwake} -m mem -t ")
            .And.Contain("exited with 1 (pid ")
            .And.Contain("/dev/rtc0: unable to find device")
            .And.Contain("no RTC device");
    }

    private static string WriteScript(string path, string body)
    {
        File.WriteAllText(path, "#!/bin/sh\n" + body);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }
}
