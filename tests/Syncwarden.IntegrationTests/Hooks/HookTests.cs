using System.Diagnostics;
using System.Globalization;
using Syncwarden.IntegrationTests.Infrastructure;

namespace Syncwarden.IntegrationTests.Hooks;

public sealed class HookTests
{
    /// <summary>
    /// A local job copying src/ to replica/ with --delete, plus the given hooks: block. With <paramref name="recorder"/>,
    /// after, on-error and finally hooks also record their environment into env-after, env-on-error and env-finally.
    /// </summary>
    private static TestConfig Job(TempDir dir, string hooks, string? source = null, string? recorder = null) =>
        new TestConfig(dir).Job("nightly", $$"""
            direction: local
            syncs:
              - { source: {{TestConfig.Q((source ?? dir.Combine("src")) + "/")}}, destination: {{TestConfig.Q(dir.Combine("replica"))}}, options: [--delete] }
            hooks:
            {{hooks}}
            {{(recorder is null ? "" : string.Concat(new[] { "after", "on-error", "finally" }.Select(hook => $"  {hook}: [[{Q(recorder)}, {Q(dir.Combine("env-" + hook))}]]\n")))}}
            """);

    private static string Q(string s) => TestConfig.Q(s);

    [Fact]
    public async Task Hooks_run_with_the_run_described_in_their_environment()
    {
        // Arrange: two syncs; before, after and finally hooks record their environment.
        using var dir = new TempDir("hooks");
        new TreeBuilder(dir.CreateSubdirectory("src")).File("a.txt", 100);
        new TreeBuilder(dir.CreateSubdirectory("etc")).File("b.conf", 10);
        var recorder = HookBed.EnvRecorder(dir);
        var config = new TestConfig(dir).Job("nightly", $$"""
            direction: local
            syncs:
              - { source: {{Q(dir.Combine("src"))}}, destination: {{Q(dir.Combine("replica"))}} }
              - { source: {{Q(dir.Combine("etc"))}}, destination: {{Q(dir.Combine("replica"))}} }
            hooks:
              before: [[{{Q(recorder)}}, {{Q(dir.Combine("env-before"))}}]]
              after: [{ command: [{{Q(recorder)}}, {{Q(dir.Combine("env-after"))}}], timeout: 1m }]
              on-error: [[{{Q(recorder)}}, {{Q(dir.Combine("env-on-error"))}}]]
              finally: [[{{Q(recorder)}}, {{Q(dir.Combine("env-finally"))}}]]
            """);

        // Act
        var (exitCode, record, cli) = await HookBed.RunAsync(config, "nightly");

        // Assert
        exitCode.Should().Be(0, cli.ToString());
        record.Result().Should().Be("succeeded", record.Error());
        var runId = record.GetProperty("id").GetInt64().ToString(CultureInfo.InvariantCulture);
        var expected = new Dictionary<string, string>
        {
            ["SYNCWARDEN_JOB"] = "nightly",
            ["SYNCWARDEN_RUN_ID"] = runId,
            ["SYNCWARDEN_HOOK"] = "before",
            ["SYNCWARDEN_DIRECTION"] = "local",
            ["SYNCWARDEN_HOST"] = "",
            ["SYNCWARDEN_SYNC_COUNT"] = "2",
            ["SYNCWARDEN_SYNCS"] = $"{dir.Combine("src")} -> {dir.Combine("replica")}\n{dir.Combine("etc")} -> {dir.Combine("replica")}",
            ["SYNCWARDEN_SOURCE_1"] = dir.Combine("src"),
            ["SYNCWARDEN_DESTINATION_1"] = dir.Combine("replica"),
            ["SYNCWARDEN_SOURCE_2"] = dir.Combine("etc"),
            ["SYNCWARDEN_DESTINATION_2"] = dir.Combine("replica"),
        };
        HookBed.SyncwardenVariables(dir.Combine("env-before")).Should().BeEquivalentTo(expected);
        HookBed.SyncwardenVariables(dir.Combine("env-after")).Should().BeEquivalentTo(
            new Dictionary<string, string>(expected) { ["SYNCWARDEN_HOOK"] = "after", ["SYNCWARDEN_RESULT"] = "succeeded" });
        HookBed.SyncwardenVariables(dir.Combine("env-finally")).Should().BeEquivalentTo(
            new Dictionary<string, string>(expected) { ["SYNCWARDEN_HOOK"] = "finally", ["SYNCWARDEN_RESULT"] = "succeeded" });
        File.Exists(dir.Combine("env-on-error")).Should().BeFalse("on-error hooks run only when the run failed");
        HookBed.ReadEnv(dir.Combine("env-before")).Should().ContainKey("PATH", "hooks inherit the daemon's environment");
    }

    [Fact]
    public async Task A_failing_before_hook_aborts_the_run_and_leaves_the_destination_untouched()
    {
        // Arrange: a replica with a file --delete would remove; the first before hook fails.
        using var dir = new TempDir("hooks");
        new TreeBuilder(dir.CreateSubdirectory("src")).File("new.txt", 100);
        new TreeBuilder(dir.CreateSubdirectory("replica")).File("old.txt", 10);
        var recorder = HookBed.EnvRecorder(dir);
        var check = HookBed.Script(dir.Combine("bin", "check-disk"), "echo 'checking'; echo 'first problem' >&2; echo 'disk check failed: /mnt/usb' >&2; exit 3");
        var config = Job(dir, $$"""
              before:
                - [{{Q(check)}}, --strict]
                - [{{Q(recorder)}}, {{Q(dir.Combine("env-before-2"))}}]
            """, recorder: recorder);

        // Act
        var (exitCode, record, cli) = await HookBed.RunAsync(config, "nightly");

        // Assert
        exitCode.Should().Be(1, cli.ToString());
        record.Result().Should().Be("failed");
        record.Error().Should().Be("before hook 1 (check-disk) exited with 3: disk check failed: /mnt/usb; the run was aborted, nothing was transferred");
        HookBed.Entries(dir.Combine("replica")).Should().Equal("old.txt");
        record.GetProperty("filesTransferred").GetInt64().Should().Be(0);
        File.Exists(dir.Combine("env-before-2")).Should().BeFalse("later before hooks do not run");
        File.Exists(dir.Combine("env-after")).Should().BeFalse();
        var onError = HookBed.SyncwardenVariables(dir.Combine("env-on-error"));
        onError["SYNCWARDEN_RESULT"].Should().Be("failed");
        onError["SYNCWARDEN_ERROR"].Should().Be(record.Error());
        HookBed.SyncwardenVariables(dir.Combine("env-finally"))["SYNCWARDEN_RESULT"].Should().Be("failed");
        record.Log().Should().Contain("[before hook 1 (check-disk)] checking").And.Contain("[before hook 1 (check-disk)] disk check failed: /mnt/usb");
    }

    [Fact]
    public async Task A_before_hook_exiting_75_skips_the_run_without_failing_it()
    {
        // Arrange
        using var dir = new TempDir("hooks");
        new TreeBuilder(dir.CreateSubdirectory("src")).File("new.txt", 100);
        var replica = dir.CreateSubdirectory("replica");
        var recorder = HookBed.EnvRecorder(dir);
        var check = HookBed.Script(dir.Combine("bin", "usb-present"), "echo 'disk not plugged in' >&2; exit 75");
        var config = Job(dir, $$"""
              before: [[{{Q(check)}}]]
            """, recorder: recorder);

        // Act
        var (exitCode, record, cli) = await HookBed.RunAsync(config, "nightly");
        var text = await config.RunCliAsync("run", "nightly", "--no-progress");

        // Assert
        exitCode.Should().Be(0, cli.ToString());
        record.Result().Should().Be("skipped");
        record.Error().Should().Be("skipped by before hook (usb-present): disk not plugged in");
        HookBed.Entries(replica).Should().BeEmpty();
        File.Exists(dir.Combine("env-after")).Should().BeFalse();
        File.Exists(dir.Combine("env-on-error")).Should().BeFalse();
        HookBed.SyncwardenVariables(dir.Combine("env-finally"))["SYNCWARDEN_RESULT"].Should().Be("skipped");
        text.ExitCode.Should().Be(0, text.ToString());
        text.StandardOutput.Should().Contain("nightly: skipped").And.Contain("note: skipped by before hook (usb-present): disk not plugged in");
    }

    [Fact]
    public async Task A_failed_sync_runs_on_error_and_finally_hooks_but_not_after_hooks()
    {
        // Arrange: the source does not exist, so rsync fails.
        using var dir = new TempDir("hooks");
        dir.CreateSubdirectory("replica");
        var recorder = HookBed.EnvRecorder(dir);
        var config = Job(dir, "", source: dir.Combine("missing"), recorder: recorder);

        // Act
        var (exitCode, record, cli) = await HookBed.RunAsync(config, "nightly");

        // Assert
        exitCode.Should().Be(1, cli.ToString());
        record.Result().Should().Be("failed");
        File.Exists(dir.Combine("env-after")).Should().BeFalse("after hooks run only on success or warning");
        var onError = HookBed.SyncwardenVariables(dir.Combine("env-on-error"));
        onError["SYNCWARDEN_HOOK"].Should().Be("on-error");
        onError["SYNCWARDEN_RESULT"].Should().Be("failed");
        onError["SYNCWARDEN_ERROR"].Should().Contain("missing").And.Be(record.Error());
        var @finally = HookBed.SyncwardenVariables(dir.Combine("env-finally"));
        @finally["SYNCWARDEN_RESULT"].Should().Be("failed");
        @finally["SYNCWARDEN_ERROR"].Should().Be(record.Error());
    }

    [Fact]
    public async Task A_failing_after_hook_turns_the_run_into_a_warning_and_a_failing_finally_hook_changes_nothing()
    {
        // Arrange
        using var dir = new TempDir("hooks");
        new TreeBuilder(dir.CreateSubdirectory("src")).File("a.txt", 100);
        var recorder = HookBed.EnvRecorder(dir);
        var snap = HookBed.Script(dir.Combine("bin", "snap"), "echo 'snapshot quota exceeded' >&2; exit 1");
        var broken = HookBed.Script(dir.Combine("bin", "unmount"), "echo 'target is busy' >&2; exit 32");
        var config = Job(dir, $$"""
              after:
                - [{{Q(snap)}}]
                - [{{Q(recorder)}}, {{Q(dir.Combine("env-after-2"))}}]
              finally:
                - [{{Q(broken)}}]
                - [{{Q(recorder)}}, {{Q(dir.Combine("env-finally"))}}]
            """);

        // Act
        var (exitCode, record, cli) = await HookBed.RunAsync(config, "nightly");

        // Assert
        exitCode.Should().Be(0, cli.ToString());
        record.Result().Should().Be("warning");
        record.Error().Should().Be("after hook 1 (snap) exited with 1: snapshot quota exceeded");
        HookBed.Entries(dir.Combine("replica")).Should().Equal("a.txt");
        File.Exists(dir.Combine("env-after-2")).Should().BeTrue("a failing after hook does not stop the others");
        HookBed.SyncwardenVariables(dir.Combine("env-finally"))["SYNCWARDEN_RESULT"].Should().Be("warning");
        record.Log().Should().Contain("warning: finally hook 1 (unmount) exited with 32: target is busy");
    }

    [Fact]
    public async Task A_hook_running_past_its_timeout_is_killed_with_its_children_and_the_run_fails()
    {
        // Arrange: the hook and a background child it waits for both record their pids.
        using var dir = new TempDir("hooks");
        new TreeBuilder(dir.CreateSubdirectory("src")).File("a.txt", 100);
        var replica = dir.CreateSubdirectory("replica");
        var pids = dir.Combine("pids");
        var slow = HookBed.Script(dir.Combine("bin", "slow"), $"echo $$ > {pids}; sleep 300 & echo $! >> {pids}; wait");
        var config = Job(dir, $$"""
              before: [{ command: [{{Q(slow)}}], timeout: 1s }]
            """);
        var stopwatch = Stopwatch.StartNew();

        // Act
        var (exitCode, record, cli) = await HookBed.RunAsync(config, "nightly");

        // Assert
        stopwatch.Elapsed.Should().BeLessThan(TimeSpan.FromSeconds(30));
        exitCode.Should().Be(1, cli.ToString());
        record.Result().Should().Be("failed");
        record.Error().Should().StartWith("before hook (slow) did not finish within 1s and was stopped");
        HookBed.Entries(replica).Should().BeEmpty();
        var recorded = File.ReadAllLines(pids).Select(l => int.Parse(l, CultureInfo.InvariantCulture)).ToList();
        recorded.Should().HaveCount(2);
        recorded.Should().OnlyContain(pid => !ProcFs.IsAlive(pid), "the hook and its sleep are both gone");
    }
}
