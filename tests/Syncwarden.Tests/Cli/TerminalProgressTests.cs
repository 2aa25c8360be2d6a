using Microsoft.Extensions.Logging;
using Syncwarden.Cli.Output;
using Syncwarden.Configuration;
using Syncwarden.Events;
using Syncwarden.History;
using Syncwarden.Locks;
using Syncwarden.Rsync;
using Syncwarden.Runs;

namespace Syncwarden.Tests.Cli;

public sealed class TerminalProgressTests
{
    [Fact]
    public void Transfer_line_shows_bar_percent_bytes_rate_and_eta()
    {
        var p = new RunProgress("nightly", 7, RunPhase.Transferring, 0, 2, "/a -> /b",
            new RsyncProgress(50 * 1024 * 1024, 50, 2 * 1024 * 1024, TimeSpan.FromSeconds(75), null, null, null));

        TerminalProgress.Describe(p).Should().Be("nightly [1/2] [############............]  50% 50.0 MiB 2.0 MiB/s ETA 1:15");
    }

    [Fact]
    public void Transfer_line_shows_files_checked_and_the_current_file_once_known()
    {
        var p = new RunProgress("nightly", 7, RunPhase.Transferring, 0, 1, "/a -> /b",
            new RsyncProgress(1024, 0, 1024, null, null, 500, 2000) { Elapsed = TimeSpan.FromSeconds(30), CurrentFile = "photos/2024/a.jpg" });

        TerminalProgress.Describe(p).Should().Be("nightly [1/1] [##################......]  75% 1.0 KiB 1.0 KiB/s ETA 0:10 1500/2000 files photos/2024/a.jpg");
    }

    [Fact]
    public void Elapsed_time_on_a_file_closing_line_is_not_shown_as_eta()
    {
        var p = new RunProgress("nightly", 7, RunPhase.Transferring, 1, 2, null,
            new RsyncProgress(1000, 100, 500, TimeSpan.FromSeconds(2), TransferNumber: 3, 0, 5));

        p.Eta.Should().BeNull();
        TerminalProgress.Describe(p).Should().Contain(" ETA --:-- ");
    }

    [Fact]
    public void Other_phases_name_the_phase_and_message()
    {
        var p = new RunProgress("nightly", 7, RunPhase.Retrying, 0, 1, "/a -> /b", null, "attempt 1 failed");

        TerminalProgress.Describe(p).Should().Be("nightly [1/1] retrying: attempt 1 failed");
    }

    [Fact]
    public void A_waiting_run_says_waiting_once()
    {
        // Arrange: the reason as the lock step publishes it.
        var holder = new LockHolder(HolderKind.Flock, "nas1", 4242, "first", 17, DateTimeOffset.UnixEpoch).Format();
        var reason = new LockBlock(new LockRef("nas", "/locks/x.lock"), new LockFileProbe("/locks/x.lock", LockFileState.Held, holder)).Describe();
        var started = RunProgress.Apply(null, new RunStarted(DateTimeOffset.UnixEpoch, new RunRecord { Id = 7, Job = "nightly", StartedAt = DateTimeOffset.UnixEpoch }, 1));

        // Act
        var waiting = RunProgress.Apply(started, new RunWaiting(DateTimeOffset.UnixEpoch, "nightly", 7, reason))!;

        // Assert
        const string expected = "waiting: lock nas:/locks/x.lock is held by syncwarden-lock kind=flock host=nas1 pid=4242 job=first run=17 started=1970-01-01T00:00:00Z";
        waiting.Activity.Should().Be(expected);
        TerminalProgress.Describe(waiting).Should().Be("nightly [1/1] " + expected);
    }

    [Fact]
    public async Task On_one_screen_the_bar_is_wiped_before_a_log_line_and_before_the_summary()
    {
        // Arrange: stderr (bar and log) and stdout (summary) on the same terminal.
        using var screen = new StringWriter();
        var stderr = new StderrLine(screen);
        var progress = new TerminalProgress(stderr, interactive: true);
        using var logger = new ConsoleLogger(new LogSettings(), stderr);
        var transfer = new RsyncProgress(50 * 1024 * 1024, 50, 2 * 1024 * 1024, TimeSpan.FromSeconds(75), null, null, null);

        // Act
        await progress.HandleAsync(new RunStarted(DateTimeOffset.UnixEpoch, new RunRecord { Id = 7, Job = "nightly", StartedAt = DateTimeOffset.UnixEpoch }, 1), default);
        await progress.HandleAsync(new RunProgressed(DateTimeOffset.UnixEpoch, "nightly", 7, 0, 1, "/a -> /b", transfer), default);
        logger.LogWarning("job nightly: attempt 1 failed");
        await progress.HandleAsync(new RunProgressed(DateTimeOffset.UnixEpoch.AddSeconds(1), "nightly", 7, 0, 1, "/a -> /b", transfer with { Percent = 60 }), default);
        stderr.End();
        screen.WriteLine("nightly: succeeded in 2m05s");
        await progress.HandleAsync(new RunProgressed(DateTimeOffset.UnixEpoch.AddSeconds(2), "nightly", 7, 0, 1, "/a -> /b", transfer with { Percent = 70 }), default);

        // Assert: what each line shows once its '\r' redraws are done.
        var shown = screen.ToString().Split('\n').Select(l => l[(l.LastIndexOf('\r') + 1)..].TrimEnd()).ToList();
        shown.Should().HaveCount(3);
        shown[0].Should().MatchRegex(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d WARN job nightly: attempt 1 failed$", "the bar drawn before is wiped, not continued");
        shown[1].Should().Be("nightly: succeeded in 2m05s", "progress has ended before the summary; a late event draws nothing");
        shown[2].Should().BeEmpty();
    }

    [Fact]
    public async Task Without_a_terminal_progress_lines_stop_when_progress_has_ended()
    {
        // Arrange: stderr is a pipe (cron mail); the command ends progress before its summary.
        using var output = new StringWriter();
        var stderr = new StderrLine(output);
        var progress = new TerminalProgress(stderr, interactive: false);
        var started = new RunStarted(DateTimeOffset.UnixEpoch, new RunRecord { Id = 7, Job = "nightly", StartedAt = DateTimeOffset.UnixEpoch }, 1);

        // Act
        await progress.HandleAsync(started, default);
        stderr.End();
        await progress.HandleAsync(new RunStageChanged(DateTimeOffset.UnixEpoch, "nightly", 7, RunPhase.Finishing, 0, 1, null, null), default);
        stderr.WriteLine("a log line");

        // Assert
        output.ToString().Should().Be("nightly [1/1] starting\na log line\n", "a watcher that drew late adds nothing after the end; the log still writes");
    }
}
