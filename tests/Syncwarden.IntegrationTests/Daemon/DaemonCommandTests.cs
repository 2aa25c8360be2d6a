using System.Text.Json;
using System.Text.RegularExpressions;
using Syncwarden.IntegrationTests.Infrastructure;

namespace Syncwarden.IntegrationTests.Daemon;

/// <summary>`syncwarden daemon` as a real process: schedules, signals, reload, single instance.</summary>
public sealed class DaemonCommandTests
{
    private static TestConfig Config(TempDir dir, string schedule, int bandwidth = 0, int fileSize = 1000)
    {
        var source = dir.CreateSubdirectory("src");
        new TreeBuilder(source).File("a.bin", fileSize);
        return new TestConfig(dir).Job("tick", $$"""
            direction: local
            {{schedule}}
            {{(bandwidth > 0 ? $"bandwidth: {bandwidth}" : "")}}
            syncs: [ { source: {{TestConfig.Q(source)}}, destination: {{TestConfig.Q(dir.CreateSubdirectory("dst"))}} } ]
            """);
    }

    private static async Task<List<JsonElement>> RunsAsync(TestConfig config)
    {
        var history = await SyncwardenCli.RunAsync(["-c", config.ConfigPath, "history", "--json", "--limit", "100"]);
        history.ExitCode.Should().Be(0, history.StandardError);
        return [.. JsonDocument.Parse(history.StandardOutput).RootElement.EnumerateArray().Select(e => e.Clone())];
    }

    private static async Task<bool> Eventually(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var end = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < end)
        {
            if (await condition())
            {
                return true;
            }
            await Task.Delay(250);
        }
        return await condition();
    }

    [Fact]
    public async Task Every_two_seconds_runs_repeatedly_and_sigterm_exits_0()
    {
        using var dir = new TempDir("daemon-cli");
        var config = Config(dir, "every: { seconds: 2 }\ncatch-up: false");
        await using var daemon = await config.StartCliAsync("daemon");

        var ran = await Eventually(async () => (await RunsAsync(config)).Count(r => r.GetProperty("result").GetString() == "succeeded") >= 3, TimeSpan.FromSeconds(30));
        await daemon.TerminateAsync();
        var exit = await daemon.WaitAsync(TimeSpan.FromSeconds(30));

        ran.Should().BeTrue(daemon.StandardErrorSoFar);
        exit.ExitCode.Should().Be(0, exit.StandardError);
        (await RunsAsync(config)).Should().OnlyContain(r => r.GetProperty("trigger").GetString() == "schedule");
    }

    [Fact]
    public async Task Log_lines_go_to_the_log_file_down_to_its_level_or_to_the_journal_with_their_priorities()
    {
        // Arrange: each daemon logs an info line when it starts and a warning for a status file it cannot write (its
        // folder is a file).
        using var infoDir = new TempDir("daemon-log-info");
        using var warningDir = new TempDir("daemon-log-warning");
        using var journalDir = new TempDir("daemon-log-journal");
        var info = LoggingConfig(infoDir, "info", infoDir.Combine("logs", "syncwarden.log"));
        var warning = LoggingConfig(warningDir, "warning", warningDir.Combine("logs", "syncwarden.log"));
        var journal = LoggingConfig(journalDir, "info", file: null);

        // Act
        var infoRun = await RunDaemonUntilTheWarningAsync(info, environment: null);
        var warningRun = await RunDaemonUntilTheWarningAsync(warning, environment: null);
        var journalRun = await RunDaemonUntilTheWarningAsync(journal, new Dictionary<string, string?> { ["JOURNAL_STREAM"] = "8:12345" });

        // Assert
        var infoLog = File.ReadAllLines(info.LogFile!);
        infoLog.Should().Contain(l => Regex.IsMatch(l, @"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d INFO daemon started: 1 job"));
        infoLog.Should().Contain(l => l.Contains(" WARN cannot write the status file", StringComparison.Ordinal));
        infoLog.Should().Contain(l => l.EndsWith(" INFO daemon stopped", StringComparison.Ordinal));
        infoRun.StandardError.Should().NotContain("daemon started", "with a log file the log goes there");
        var warningLog = File.ReadAllLines(warning.LogFile!);
        warningLog.Should().Contain(l => l.Contains(" WARN cannot write the status file", StringComparison.Ordinal));
        warningLog.Should().NotContain(l => l.Contains(" INFO ", StringComparison.Ordinal), "level warning holds back info lines");
        warningRun.ExitCode.Should().Be(0, warningRun.StandardError);
        var journalLines = journalRun.StandardError.Split('\n');
        journalLines.Should().Contain(l => l.StartsWith("<6>daemon started: 1 job", StringComparison.Ordinal), "journald reads the priority, and adds its own time");
        journalLines.Should().Contain(l => l.StartsWith("<4>cannot write the status file", StringComparison.Ordinal));
        journalLines.Should().Contain("<6>daemon stopped");
    }

    private static TestConfig LoggingConfig(TempDir dir, string level, string? file)
    {
        var notAFolder = dir.Combine("not-a-folder");
        File.WriteAllText(notAFolder, "");
        var config = Config(dir, "schedule: \"0 0 1 1 *\"\ncatch-up: false")
            .TopLevel($"status-file: {{ path: {TestConfig.Q(Path.Combine(notAFolder, "status.json"))}, every: 1s }}");
        config.LogLevel = level;
        config.LogFile = file;
        return config;
    }

    /// <summary>Starts the daemon, waits for its warning about the status file (in the log file or on stderr), stops it with SIGTERM.</summary>
    private static async Task<ProcessResult> RunDaemonUntilTheWarningAsync(TestConfig config, IReadOnlyDictionary<string, string?>? environment)
    {
        await using var daemon = await SyncwardenCli.StartAsync(["-c", config.Write(), "daemon"], environment);
        var warned = await Eventually(
            () => Task.FromResult(config.LogFile is { } file
                ? File.Exists(file) && File.ReadAllText(file).Contains("cannot write the status file", StringComparison.Ordinal)
                : daemon.StandardErrorSoFar.Contains("cannot write the status file", StringComparison.Ordinal)),
            TimeSpan.FromSeconds(30));
        warned.Should().BeTrue("the daemon warns about the status file; stderr: " + daemon.StandardErrorSoFar);
        await daemon.TerminateAsync();
        var exit = await daemon.WaitAsync(TimeSpan.FromSeconds(30));
        exit.ExitCode.Should().Be(0, exit.StandardError);
        return exit;
    }

    [Fact]
    public async Task Sighup_runs_every_job_now()
    {
        using var dir = new TempDir("daemon-cli");
        var config = Config(dir, "schedule: \"0 0 1 1 *\"\ncatch-up: false");
        await using var daemon = await config.StartCliAsync("daemon");
        (await Eventually(() => Task.FromResult(File.Exists(Path.Combine(config.StateDir, "daemon.sock"))), TimeSpan.FromSeconds(20))).Should().BeTrue(daemon.StandardErrorSoFar);
        (await RunsAsync(config)).Should().BeEmpty("nothing is due until January");

        await daemon.SignalAsync("HUP");
        var ran = await Eventually(async () => (await RunsAsync(config)).Any(r => r.GetProperty("result").GetString() == "succeeded"), TimeSpan.FromSeconds(20));
        await daemon.TerminateAsync();
        await daemon.WaitAsync(TimeSpan.FromSeconds(30));

        ran.Should().BeTrue(daemon.StandardErrorSoFar);
        (await RunsAsync(config)).Single().GetProperty("trigger").GetString().Should().Be("signal");
        daemon.StandardErrorSoFar.Should().NotContain("SIGHUP is ignored");
    }

    [Fact]
    public async Task A_daemon_started_under_nohup_says_that_sighup_will_not_run_the_jobs()
    {
        // Arrange: nohup sets SIGHUP to "ignore", which the daemon inherits and cannot undo for its handler.
        using var dir = new TempDir("daemon-nohup");
        var config = Config(dir, "schedule: \"0 0 1 1 *\"\ncatch-up: false");

        // Act
        await using var daemon = TestProcess.Start("nohup", [SyncwardenCli.DotnetPath, SyncwardenCli.DllPath, "-c", config.Write(), "daemon"]);
        var warned = await Eventually(() => Task.FromResult(daemon.StandardErrorSoFar.Contains("daemon started", StringComparison.Ordinal)), TimeSpan.FromSeconds(30));
        await daemon.TerminateAsync();
        var exit = await daemon.WaitAsync(TimeSpan.FromSeconds(30));

        // Assert
        warned.Should().BeTrue(exit.StandardError);
        exit.StandardError.Should().Contain("SIGHUP is ignored in this process (started under nohup, or by a parent that ignores it), so kill -HUP will not run the jobs now");
    }

    [Fact]
    public async Task Sigterm_mid_transfer_stops_rsync_records_cancelled_and_leaves_nothing_behind()
    {
        using var dir = new TempDir("daemon-cli");
        var config = Config(dir, "schedule: \"0 0 1 1 *\"", bandwidth: 500, fileSize: 20 * 1024 * 1024);
        await using var daemon = await config.StartCliAsync("daemon");
        var transferring = await Eventually(async () =>
            ProcFs.DescendantsOf(daemon.ProcessId).Any(pid => ProcFs.CommandLine(pid)?.FirstOrDefault()?.EndsWith("rsync", StringComparison.Ordinal) == true)
            && (await RunsAsync(config)).Any(r => r.GetProperty("result").GetString() == "running"), TimeSpan.FromSeconds(20));
        transferring.Should().BeTrue("catch-up starts a first run at once: " + daemon.StandardErrorSoFar);
        var rsyncs = ProcFs.DescendantsOf(daemon.ProcessId).Where(pid => ProcFs.CommandLine(pid)?.Any(a => a.EndsWith("rsync", StringComparison.Ordinal)) == true).ToList();

        await daemon.TerminateAsync();
        var exit = await daemon.WaitAsync(TimeSpan.FromSeconds(30));

        exit.ExitCode.Should().Be(0, exit.StandardError);
        rsyncs.Should().NotBeEmpty().And.OnlyContain(pid => !ProcFs.IsAlive(pid));
        var run = (await RunsAsync(config)).Single();
        run.GetProperty("result").GetString().Should().Be("cancelled");
        File.Exists(Path.Combine(config.StateDir, "daemon.sock")).Should().BeFalse();
        // The next daemon starts at once: no stale instance lock.
        await using var next = await config.StartCliAsync("daemon");
        (await Eventually(() => Task.FromResult(File.Exists(Path.Combine(config.StateDir, "daemon.sock"))), TimeSpan.FromSeconds(20))).Should().BeTrue(next.StandardErrorSoFar);
        await next.TerminateAsync();
        (await next.WaitAsync(TimeSpan.FromSeconds(60))).ExitCode.Should().Be(0);
    }

    [Fact]
    public async Task A_second_daemon_for_the_same_state_dir_exits_naming_the_first()
    {
        using var dir = new TempDir("daemon-cli");
        var config = Config(dir, "schedule: \"0 0 1 1 *\"\ncatch-up: false");
        await using var first = await config.StartCliAsync("daemon");
        (await Eventually(() => Task.FromResult(File.Exists(Path.Combine(config.StateDir, "daemon.sock"))), TimeSpan.FromSeconds(20))).Should().BeTrue(first.StandardErrorSoFar);

        var second = await SyncwardenCli.RunAsync(["-c", config.ConfigPath, "daemon"], TimeSpan.FromSeconds(30));

        second.ExitCode.Should().Be(1);
        second.StandardError.Should().Contain("already running").And.Contain($"pid {first.ProcessId}");
        await first.TerminateAsync();
        await first.WaitAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Reload_applies_a_new_configuration_and_refuses_a_broken_one()
    {
        using var dir = new TempDir("daemon-cli");
        var config = Config(dir, "schedule: \"0 0 1 1 *\"\ncatch-up: false");
        await using var daemon = await config.StartCliAsync("daemon");
        (await Eventually(() => Task.FromResult(File.Exists(Path.Combine(config.StateDir, "daemon.sock"))), TimeSpan.FromSeconds(20))).Should().BeTrue(daemon.StandardErrorSoFar);
        var original = File.ReadAllText(config.ConfigPath);

        File.WriteAllText(config.ConfigPath, original.Replace("schedule: \"0 0 1 1 *\"", "every: { seconds: 1 }", StringComparison.Ordinal));
        var reload = await SyncwardenCli.RunAsync(["-c", config.ConfigPath, "reload"]);
        var ranAfterReload = await Eventually(async () => (await RunsAsync(config)).Any(r => r.GetProperty("result").GetString() == "succeeded"), TimeSpan.FromSeconds(20));
        File.WriteAllText(config.ConfigPath, original.Replace("direction: local", "direction: sideways", StringComparison.Ordinal));
        var cliOnBroken = await SyncwardenCli.RunAsync(["-c", config.ConfigPath, "reload"]);
        var daemonOnBroken = await Syncwarden.Daemon.ControlSocket.SendAsync(config.StateDir, new Syncwarden.Daemon.ControlRequest(Syncwarden.Daemon.ControlCommand.Reload));
        var stillServing = await Syncwarden.Daemon.ControlSocket.SendAsync(config.StateDir, new Syncwarden.Daemon.ControlRequest(Syncwarden.Daemon.ControlCommand.Status));
        await daemon.TerminateAsync();
        await daemon.WaitAsync(TimeSpan.FromSeconds(30));

        reload.ExitCode.Should().Be(0, reload.StandardError);
        reload.StandardOutput.Should().Contain("reloaded");
        ranAfterReload.Should().BeTrue(daemon.StandardErrorSoFar);
        cliOnBroken.ExitCode.Should().Be(2);
        cliOnBroken.StandardError.Should().Contain("sideways");
        daemonOnBroken!.Ok.Should().BeFalse();
        daemonOnBroken.Message.Should().Contain("keeps its current configuration").And.Contain("sideways");
        stillServing!.Jobs!.Single().Schedule.Should().Contain("1", "the valid reloaded schedule is kept");
    }

    [Fact]
    public async Task Status_shows_the_next_run_of_a_scheduled_job()
    {
        using var dir = new TempDir("daemon-cli");
        var config = Config(dir, "schedule: \"30 4 * * *\"");

        var status = await config.RunCliAsync("status", "--json");

        status.ExitCode.Should().Be(0, status.StandardError);
        var job = JsonDocument.Parse(status.StandardOutput).RootElement[0];
        job.GetProperty("schedule").GetString().Should().Be("30 4 * * *");
        var next = job.GetProperty("nextRunAt").GetDateTimeOffset().ToLocalTime();
        (next.Hour, next.Minute).Should().Be((4, 30));
        next.Should().BeAfter(DateTimeOffset.Now).And.BeBefore(DateTimeOffset.Now.AddDays(1).AddMinutes(1));
    }
}
