using System.Text.Json;
using Syncwarden.IntegrationTests.Infrastructure;

namespace Syncwarden.IntegrationTests.Engine.Resilience;

/// <summary>rsync's partial-failure exit codes (23, 24) as they really happen, and how the job judges them.</summary>
public sealed class ExitCodeTests
{
    private const int Nobody = 65534;

    [Fact]
    public async Task Vanished_files_are_a_warning()
    {
        // Arrange
        using var dir = new TempDir("vanish");
        var (config, vanished) = VanishingSource(dir, exitCodes: "");

        // Act
        var run = await RunWhileFilesVanishAsync(config, dir);

        // Assert
        run.ExitCode.Should().Be(0, run.ToString());
        var record = Interruption.SingleRun(run);
        record.GetProperty("result").GetString().Should().Be("warning");
        record.GetProperty("exitCode").GetInt32().Should().Be(24);
        record.GetProperty("failedPaths").EnumerateArray().Select(p => p.GetString()).Should().Equal(vanished);
        record.GetProperty("error").GetString().Should().Contain("50 file(s) vanished");
        File.Exists(dir.Combine("replica", "src", "aaa-big.bin")).Should().BeTrue();
    }

    [Fact]
    public async Task Vanished_files_fail_the_run_when_exit_24_is_configured_as_failure()
    {
        // Arrange
        using var dir = new TempDir("vanish-fail");
        var (config, vanished) = VanishingSource(dir, exitCodes: "exit-codes: { 24: failure }");

        // Act
        var run = await RunWhileFilesVanishAsync(config, dir);

        // Assert
        run.ExitCode.Should().Be(1, run.ToString());
        var record = Interruption.SingleRun(run);
        record.GetProperty("result").GetString().Should().Be("failed");
        record.GetProperty("exitCode").GetInt32().Should().Be(24);
        record.GetProperty("failedPaths").EnumerateArray().Select(p => p.GetString()).Should().Equal(vanished);
        record.GetProperty("error").GetString().Should().Contain("vanished");
    }

    [Fact]
    public async Task Unreadable_files_are_a_failure_listing_them()
    {
        // Arrange: root reads everything, so the CLI runs as nobody on a tree nobody owns.
        using var dir = new TempDir("unreadable");
        var source = dir.Combine("src");
        new TreeBuilder(source).File("ok.txt", 100).File("secret.bin", 2000).File("sub/also-ok.txt", 10);
        var replica = dir.CreateSubdirectory("replica");
        var home = dir.CreateSubdirectory("home");
        var config = new TestConfig(dir).Job("mixed", $$"""
            direction: local
            syncs:
              - { source: {{TestConfig.Q(source)}}, destination: {{TestConfig.Q(replica)}} }
            """);
        config.Write();
        var chown = await TestProcess.RunAsync("chown", ["-R", $"{Nobody}:{Nobody}", "--", dir.Path], TimeSpan.FromSeconds(30));
        chown.ExitCode.Should().Be(0, chown.ToString());
        File.SetUnixFileMode(Path.Combine(source, "secret.bin"), UnixFileMode.None);
        var secret = Path.Combine(source, "secret.bin");

        // Act
        var run = await TestProcess.RunAsync("setpriv",
            [$"--reuid={Nobody}", $"--regid={Nobody}", "--clear-groups", "--", SyncwardenCli.DotnetPath, SyncwardenCli.DllPath, "-c", config.ConfigPath, "run", "mixed", "--json"],
            SyncwardenCli.DefaultTimeout, environment: new Dictionary<string, string?> { ["HOME"] = home, ["DOTNET_CLI_HOME"] = home });

        // Assert
        run.ExitCode.Should().Be(1, run.ToString());
        var record = Interruption.SingleRun(run);
        record.GetProperty("result").GetString().Should().Be("failed");
        record.GetProperty("exitCode").GetInt32().Should().Be(23);
        record.GetProperty("failedPaths").EnumerateArray().Select(p => p.GetString()).Should().Equal(secret);
        record.GetProperty("error").GetString().Should().Contain($"send_files failed to open \"{secret}\": Permission denied (13)");
        File.ReadAllBytes(Path.Combine(replica, "src", "ok.txt")).Should().Equal(File.ReadAllBytes(Path.Combine(source, "ok.txt")), "readable files are still copied");
        File.Exists(Path.Combine(replica, "src", "sub", "also-ok.txt")).Should().BeTrue();
        File.Exists(Path.Combine(replica, "src", "secret.bin")).Should().BeFalse();
    }

    /// <summary>
    /// aaa-big.bin (4 MB at 1000 KiB/s, sent first since names are sorted) and zzz-000..049, as in
    /// the rsync fixture capture script.
    /// </summary>
    private static (TestConfig Config, IReadOnlyList<string> Vanished) VanishingSource(TempDir dir, string exitCodes)
    {
        var source = dir.Combine("src");
        var tree = new TreeBuilder(source).File("aaa-big.bin", 4_000_000);
        var vanished = new List<string>();
        for (var i = 0; i < 50; i++)
        {
            var name = $"zzz-{i:D3}.txt";
            tree.File(name, 10);
            vanished.Add(Path.Combine(source, name));
        }
        var replica = dir.CreateSubdirectory("replica");
        var config = new TestConfig(dir).Job("vanish", $$"""
            direction: local
            bandwidth: 1000
            {{exitCodes}}
            syncs:
              - { source: {{TestConfig.Q(source)}}, destination: {{TestConfig.Q(replica)}} }
            """);
        return (config, vanished);
    }

    /// <summary>Runs the job and deletes the zzz files once rsync writes aaa-big.bin (the file list is final by then).</summary>
    private static async Task<ProcessResult> RunWhileFilesVanishAsync(TestConfig config, TempDir dir)
    {
        await using var cli = await config.StartCliAsync("run", "vanish", "--json");
        var temp = dir.Combine("replica", ".syncwarden-tmp");
        await Interruption.WaitUntilAsync(() => Directory.Exists(temp) && Directory.EnumerateFiles(temp).Any(), "rsync writing aaa-big.bin", cli);
        foreach (var file in Directory.EnumerateFiles(dir.Combine("src"), "zzz-*"))
        {
            File.Delete(file);
        }
        return await cli.WaitAsync(TimeSpan.FromSeconds(60));
    }
}
