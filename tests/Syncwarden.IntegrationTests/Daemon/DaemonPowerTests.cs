using Syncwarden.IntegrationTests.Infrastructure;

namespace Syncwarden.IntegrationTests.Daemon;

/// <summary>
/// The daemon puts the host to sleep when idle. rtcwake is a recording script (the real one would
/// suspend the test machine, and there is no RTC here). In the ssh collection so that no test's
/// interactive login (which keeps the host awake) runs at the same time.
/// </summary>
[Collection(SshCollection.Name)]
public sealed class DaemonPowerTests
{
    private static (TestConfig Config, string ArgvFile) Setup(TempDir dir, string schedule)
    {
        var argvFile = dir.Combine("rtcwake.calls");
        var rtcwake = dir.Combine("rtcwake");
        File.WriteAllText(rtcwake, $"#!/bin/sh\nprintf '%s ' \"$@\" >> '{argvFile}'\necho >> '{argvFile}'\n");
        File.SetUnixFileMode(rtcwake, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var source = dir.CreateSubdirectory("src");
        File.WriteAllText(Path.Combine(source, "a"), "a");
        var config = new TestConfig(dir).Job("nightly", $$"""
            direction: local
            {{schedule}}
            catch-up: false
            syncs: [ { source: {{TestConfig.Q(source)}}, destination: {{TestConfig.Q(dir.CreateSubdirectory("dst"))}} } ]
            """);
        return (config, argvFile);
    }

    private static void AddPower(TestConfig config, string rtcwake, string stayAwake, string margin) =>
        File.WriteAllText(config.ConfigPath, config.Yaml + $"power: {{ sleep-after-run: true, mode: mem, wake-margin: {margin}, rtcwake-path: {TestConfig.Q(rtcwake)}, stay-awake-file: {TestConfig.Q(stayAwake)} }}\n");

    private static async Task<bool> Eventually(Func<bool> condition, TimeSpan timeout)
    {
        var end = DateTime.UtcNow + timeout;
        while (!condition() && DateTime.UtcNow < end)
        {
            await Task.Delay(200);
        }
        return condition();
    }

    [Fact]
    public async Task Idle_daemon_arms_rtcwake_for_the_next_run_minus_the_margin_once()
    {
        // Arrange: the next run is 03:30 tomorrow or today; margin 10 minutes.
        using var dir = new TempDir("daemon-power");
        var (config, argvFile) = Setup(dir, "schedule: \"30 3 * * *\"");
        AddPower(config, dir.Combine("rtcwake"), dir.Combine("stay-awake"), "10m");
        var now = DateTimeOffset.Now;
        var next = new DateTimeOffset(now.Year, now.Month, now.Day, 3, 30, 0, now.Offset);
        if (next <= now)
        {
            next = next.AddDays(1);
        }

        // Act
        await using var daemon = await SyncwardenCli.StartAsync(["-c", config.ConfigPath, "daemon"]);
        var called = await Eventually(() => File.Exists(argvFile), TimeSpan.FromSeconds(30));
        // A reload wakes the scheduler, which announces idle again: the policy's answer is logged (debug).
        var reload = await SyncwardenCli.RunAsync(["-c", config.ConfigPath, "reload"]);
        var askedAgain = await Eventually(() => daemon.StandardErrorSoFar.Contains("already slept in this idle period", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        await daemon.TerminateAsync();
        var exit = await daemon.WaitAsync(TimeSpan.FromSeconds(30));

        // Assert
        called.Should().BeTrue(exit.StandardError);
        reload.ExitCode.Should().Be(0, reload.ToString());
        askedAgain.Should().BeTrue(exit.StandardError);
        var calls = File.ReadAllLines(argvFile);
        calls.Should().ContainSingle("after waking up the daemon stays up until the next run has finished");
        calls[0].Trim().Should().Be($"-m mem -t {next.AddMinutes(-10).ToUnixTimeSeconds()}");
        exit.StandardError.Should().Contain("sleeping (mem)");
    }

    [Fact]
    public async Task Stay_awake_file_keeps_the_idle_daemon_awake_and_says_why()
    {
        using var dir = new TempDir("daemon-power");
        var stayAwake = dir.Combine("stay-awake");
        File.WriteAllText(stayAwake, "maintenance");
        var (config, argvFile) = Setup(dir, "schedule: \"30 3 * * *\"");
        AddPower(config, dir.Combine("rtcwake"), stayAwake, "10m");

        await using var daemon = await SyncwardenCli.StartAsync(["-c", config.ConfigPath, "daemon"]);
        var said = await Eventually(() => daemon.StandardErrorSoFar.Contains("staying awake", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        // A reload wakes the scheduler, which announces idle again: the second decision is logged (debug).
        var reload = await SyncwardenCli.RunAsync(["-c", config.ConfigPath, "reload"]);
        var decidedAgain = await Eventually(() => daemon.StandardErrorSoFar.Contains("(unchanged)", StringComparison.Ordinal), TimeSpan.FromSeconds(30));
        await daemon.TerminateAsync();
        var exit = await daemon.WaitAsync(TimeSpan.FromSeconds(30));

        said.Should().BeTrue(exit.StandardError);
        reload.ExitCode.Should().Be(0, reload.ToString());
        decidedAgain.Should().BeTrue(exit.StandardError);
        exit.StandardError.Should().Contain(stayAwake);
        File.Exists(argvFile).Should().BeFalse("rtcwake is never run while the stay-awake file exists");
    }
}
