using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Syncwarden.Processes;

namespace Syncwarden.Tests.Processes;

public sealed class ProcessRunnerTests
{
    [Fact]
    public async Task Output_of_a_real_child_is_captured_and_its_exit_code_returned()
    {
        var spec = new ProcessSpec("/bin/sh", ["-c", "printf 'out\\r1\\n'; printf 'err\\n' >&2; exit 23"]) { TerminateWithParent = false };

        var (result, stdout, stderr) = await ProcessRunner.Default.CaptureAsync(spec);

        result.ExitCode.Should().Be(23);
        stdout.Should().Be("out\r1\n");
        stderr.Should().Be("err\n");
        result.Cancelled.Should().BeFalse();
    }

    [Fact]
    public async Task Batched_output_arrives_whole_and_the_child_exit_ends_the_wait_at_once()
    {
        // Arrange: a long batch delay; the child writes twice, a little apart, then exits.
        var spec = new ProcessSpec("/bin/sh", ["-c", "printf 'a\\n'; sleep 0.3; printf 'b\\n'"]) { TerminateWithParent = false, OutputBatchDelay = TimeSpan.FromSeconds(20) };
        var stdout = new System.Text.StringBuilder();

        // Act
        var clock = Stopwatch.StartNew();
        var result = await ProcessRunner.Default.StreamAsync(spec, chunk => stdout.Append(chunk), null);

        // Assert: nothing waited out the batch delay once the child had gone.
        clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(10));
        result.ExitCode.Should().Be(0);
        stdout.ToString().Should().Be("a\nb\n");
    }

    [Fact]
    public async Task Arguments_are_passed_verbatim_never_through_a_shell()
    {
        var marker = Path.Combine(Path.GetTempPath(), "sw-pwned-" + Guid.NewGuid().ToString("N"));
        string[] hostile = ["$(touch " + marker + ")", "; touch " + marker, "`touch " + marker + "`", "a b", "-n", "é\nx"];

        var (result, stdout, _) = await ProcessRunner.Default.CaptureAsync(new ProcessSpec("/usr/bin/printf", ["%s\\0", .. hostile]));

        result.ExitCode.Should().Be(0);
        stdout.Split('\0', StringSplitOptions.RemoveEmptyEntries).Should().Equal(hostile);
        File.Exists(marker).Should().BeFalse();
    }

    [Fact]
    public async Task Cancellation_sends_sigterm_and_the_child_is_gone()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var spec = new ProcessSpec("/bin/sleep", ["30"]) { GracePeriod = TimeSpan.FromSeconds(5) };

        var result = await ProcessRunner.Default.RunAsync(spec, cancellationToken: cts.Token);

        result.Cancelled.Should().BeTrue();
        result.Killed.Should().BeFalse("sleep exits on SIGTERM");
        result.ExitCode.Should().NotBe(0);
        IsAlive(result.ProcessId).Should().BeFalse();
    }

    [Fact]
    public async Task A_child_ignoring_sigterm_is_killed_after_the_grace_period()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var spec = new ProcessSpec("/bin/sh", ["-c", "trap '' TERM; sleep 30 & wait; sleep 30"]) { GracePeriod = TimeSpan.FromMilliseconds(500) };

        var result = await ProcessRunner.Default.RunAsync(spec, cancellationToken: cts.Token);

        result.Cancelled.Should().BeTrue();
        result.Killed.Should().BeTrue();
        IsAlive(result.ProcessId).Should().BeFalse();
    }

    [Fact]
    public async Task A_child_that_outlives_sigkill_is_reported_with_its_pid_after_the_bounded_wait()
    {
        // Arrange: a child that ignores SIGTERM, and a runner whose SIGKILL misses, as it does a process
        // stuck in uninterruptible sleep (which a test cannot produce on demand).
        var logger = new ListLogger();
        var runner = new ProcessRunner(logger, TimeSpan.FromMilliseconds(300), forceKill: (_, _) => { });
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        var spec = new ProcessSpec("/bin/sh", ["-c", "trap '' TERM; exec sleep 30"]) { GracePeriod = TimeSpan.FromMilliseconds(200) };
        var clock = Stopwatch.StartNew();

        // Act
        var act = () => runner.RunAsync(spec, cancellationToken: cts.Token);

        // Assert
        var stuck = (await act.Should().ThrowAsync<ProcessNotStoppedException>()).Which;
        try
        {
            clock.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(5), "the wait after SIGKILL is bounded");
            IsAlive(stuck.ProcessId).Should().BeTrue("the runner gave up on it rather than pretending it is gone");
            stuck.Message.Should().Contain($"/bin/sh (pid {stuck.ProcessId}) did not exit within").And.Contain("SIGKILL");
            logger.Errors.Should().ContainSingle().Which.Should().Be(stuck.Message);
        }
        finally
        {
            ProcessRunner.Signal(stuck.ProcessId, 9);
        }
    }

    [Fact]
    public async Task A_session_child_that_outlives_sigkill_is_reported_by_stop()
    {
        // Arrange
        var runner = new ProcessRunner(null, TimeSpan.FromMilliseconds(200), forceKill: (_, _) => { });
        var spec = new ProcessSpec("/bin/sh", ["-c", "trap '' TERM; exec sleep 30"]) { GracePeriod = TimeSpan.FromMilliseconds(100) };
        var session = await runner.StartSessionAsync(spec);

        // Act
        var act = () => session.StopAsync(TimeSpan.FromMilliseconds(100));

        // Assert
        try
        {
            (await act.Should().ThrowAsync<ProcessNotStoppedException>()).Which.ProcessId.Should().Be(session.ProcessId);
        }
        finally
        {
            ProcessRunner.Signal(session.ProcessId, 9);
            await session.Exited.WaitAsync(TimeSpan.FromSeconds(10));
            await session.DisposeAsync();
        }
    }

    [Fact]
    public async Task Cancelling_a_child_with_its_own_process_group_stops_its_grandchildren_too()
    {
        // Arrange: a script whose sleep would survive a SIGTERM sent to the script alone.
        var pidFile = Path.Combine(Path.GetTempPath(), "sw-group-" + Guid.NewGuid().ToString("N"));
        using var cts = new CancellationTokenSource();
        var spec = new ProcessSpec("/bin/sh", ["-c", $"sleep 30 & echo $! > {pidFile}; wait"]) { GracePeriod = TimeSpan.FromSeconds(5), OwnProcessGroup = true };
        var run = ProcessRunner.Default.RunAsync(spec, cancellationToken: cts.Token);
        await WaitFor(() => File.Exists(pidFile) && File.ReadAllText(pidFile).EndsWith('\n'));
        var sleepPid = int.Parse(File.ReadAllText(pidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        File.Delete(pidFile);
        IsAlive(sleepPid).Should().BeTrue();

        // Act
        await cts.CancelAsync();
        var result = await run;

        // Assert
        result.Cancelled.Should().BeTrue();
        result.Killed.Should().BeFalse("sh and sleep both exit on SIGTERM");
        IsAlive(result.ProcessId).Should().BeFalse();
        IsAlive(sleepPid).Should().BeFalse("the whole group got SIGTERM");
    }

    [Fact]
    public async Task IsAlive_is_true_for_a_running_process_and_false_once_it_exited()
    {
        var result = await ProcessRunner.Default.RunAsync(new ProcessSpec("/bin/true", []) { TerminateWithParent = false });

        ProcessRunner.IsAlive(Environment.ProcessId).Should().BeTrue();
        ProcessRunner.IsAlive(result.ProcessId).Should().BeFalse();
        ProcessRunner.IsAlive(0).Should().BeFalse("pid 0 would mean the whole process group");
    }

    [Fact]
    public async Task A_missing_program_is_a_clear_error_naming_it()
    {
        var act = () => ProcessRunner.Default.RunAsync(new ProcessSpec("no-such-program-xyz", []));

        (await act.Should().ThrowAsync<ProcessStartException>()).WithMessage("*no-such-program-xyz*not found*");
    }

    [Theory]
    [InlineData("wrapper")]
    [InlineData("setpriv")]
    public async Task Child_gets_sigterm_when_its_parent_dies(string how)
    {
        // A shell plays "syncwarden": it starts a child through the embedded wrapper (or the setpriv fallback)
        // exactly as the runner does, prints both pids, then waits until it is killed with SIGKILL.
        using var dir = new TempDirectory();
        var start = how == "wrapper" ? $"{WriteWrapper(dir.Path)} $$ /bin/sleep 60" : "/usr/bin/setpriv --pdeathsig TERM -- /bin/sleep 60";
        var pids = new TaskCompletionSource<string>();
        var output = new System.Text.StringBuilder();
        var spec = new ProcessSpec("/bin/sh", ["-c", $"{start} & echo \"$$ $!\"; wait"]) { TerminateWithParent = false };
        var run = ProcessRunner.Default.RunAsync(spec, chunk =>
        {
            output.Append(chunk);
            if (output.ToString().Contains('\n', StringComparison.Ordinal))
            {
                pids.TrySetResult(output.ToString());
            }
        });
        var parts = (await pids.Task.WaitAsync(TimeSpan.FromSeconds(10))).Trim().Split(' ');
        var (shellPid, childPid) = (int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
        // The wrapper's own argv names sleep too; only after the exec (so after prctl) is argv[0] the sleep binary.
        await WaitFor(() => IsAlive(childPid) && File.ReadAllText($"/proc/{childPid}/cmdline").StartsWith("/bin/sleep\0", StringComparison.Ordinal));
        IsAlive(childPid).Should().BeTrue();

        ProcessRunner.Signal(shellPid, 9);
        await run;

        await WaitFor(() => !IsAlive(childPid));
        IsAlive(childPid).Should().BeFalse("the kernel sends SIGTERM to the child when its parent dies");
    }

    [Fact]
    public async Task Wrapper_refuses_to_start_a_child_whose_parent_is_already_gone()
    {
        // The parent may die between fork and the wrapper's request; the wrapper then finds another parent and stops.
        using var dir = new TempDirectory();
        var wrapper = WriteWrapper(dir.Path);

        var notMine = await ProcessRunner.Default.RunAsync(new ProcessSpec(wrapper, ["1", "/bin/true"]) { TerminateWithParent = false });
        var mine = await ProcessRunner.Default.RunAsync(new ProcessSpec("/bin/sh", ["-c", $"{wrapper} $$ /bin/sh -c 'exit 3'; echo $?"]) { TerminateWithParent = false });
        var missing = await ProcessRunner.Default.RunAsync(new ProcessSpec("/bin/sh", ["-c", $"{wrapper} $$ /no/such/program; echo $?"]) { TerminateWithParent = false });

        notMine.ExitCode.Should().Be(125);
        mine.ExitCode.Should().Be(0);
        missing.ExitCode.Should().Be(0);
    }

    [Fact]
    public async Task Children_the_runner_starts_exec_the_program_through_the_wrapper_with_arguments_and_environment_intact()
    {
        // The runner's own path: an in-memory copy of the wrapper, exec'd as /proc/self/fd/N.
        ParentDeathWrapper.Path.Should().StartWith("/proc/self/fd/");
        var output = new System.Text.StringBuilder();
        var spec = new ProcessSpec("/bin/sh", ["-c", "printf '%s|' \"$0\" \"$1\" \"$SW_TEST\"", "it's", "a b"])
        {
            Environment = new Dictionary<string, string?> { ["SW_TEST"] = "kept" },
        };

        var result = await ProcessRunner.Default.RunAsync(spec, chunk => output.Append(chunk));

        result.ExitCode.Should().Be(0);
        output.ToString().Should().Be("it's|a b|kept|");
    }

    private static string WriteWrapper(string dir)
    {
        var path = Path.Combine(dir, "pdeathsig");
        File.WriteAllBytes(path, ParentDeathWrapper.Program() ?? throw new InvalidOperationException("this build has no embedded wrapper"));
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        return path;
    }

    private sealed class TempDirectory : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("syncwarden-wrapper-").FullName;

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }

    private sealed class ListLogger : ILogger
    {
        public List<string> Errors { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel == LogLevel.Error)
            {
                Errors.Add(formatter(state, exception));
            }
        }
    }

    private static async Task WaitFor(Func<bool> condition)
    {
        var sw = Stopwatch.StartNew();
        while (!condition() && sw.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(50);
        }
    }

    private static bool IsAlive(int pid)
    {
        var stat = $"/proc/{pid}/stat";
        if (!File.Exists(stat))
        {
            return false;
        }
        try
        {
            // A zombie (state Z) has exited; it only waits to be reaped by its parent.
            var text = File.ReadAllText(stat);
            return text[(text.LastIndexOf(')') + 2)] != 'Z';
        }
        catch (IOException)
        {
            return false;
        }
    }
}
