using System.Diagnostics;
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

    [Fact]
    public async Task Child_gets_sigterm_when_its_parent_dies()
    {
        // A shell plays "syncwarden": it starts a child through setpriv exactly as the runner does,
        // prints both pids, then waits until it is killed with SIGKILL.
        var pids = new TaskCompletionSource<string>();
        var output = new System.Text.StringBuilder();
        var spec = new ProcessSpec("/bin/sh", ["-c", "/usr/bin/setpriv --pdeathsig TERM -- /bin/sleep 60 & echo \"$$ $!\"; wait"]) { TerminateWithParent = false };
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
        // setpriv's own argv names sleep too; only after the exec (so after prctl) is argv[0] the sleep binary.
        await WaitFor(() => IsAlive(childPid) && File.ReadAllText($"/proc/{childPid}/cmdline").StartsWith("/bin/sleep\0", StringComparison.Ordinal));
        IsAlive(childPid).Should().BeTrue();

        ProcessRunner.Signal(shellPid, 9);
        await run;

        await WaitFor(() => !IsAlive(childPid));
        IsAlive(childPid).Should().BeFalse("the kernel sends SIGTERM to the child when its parent dies");
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
