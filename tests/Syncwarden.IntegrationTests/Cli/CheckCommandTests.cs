using System.Text.Json;
using Syncwarden.IntegrationTests.Infrastructure;

namespace Syncwarden.IntegrationTests.Cli;

public sealed class CheckCommandTests
{
    private const string BrokenConfig = """
        state-dir: /tmp/x
        jobs:
          nightly:
            direction: pull
            bandwith: 5000
            syncs:
              - { source: /a, destination: /b, options: [--info=progress2] }
          other:
            direction: sideways
            syncs: []
        """;

    [Fact]
    public async Task Check_reports_every_error_with_line_and_column()
    {
        using var dir = new TempDir("check");
        var path = dir.Combine("bad.yaml");
        File.WriteAllText(path, BrokenConfig);

        var check = await SyncwardenCli.RunAsync(["-c", path, "check"]);

        check.ExitCode.Should().Be(1);
        var errors = check.StandardError.Split('\n').Where(l => l.StartsWith(path + ":", StringComparison.Ordinal)).ToList();
        errors.Should().Contain(l => l.StartsWith(path + ":4:", StringComparison.Ordinal) && l.Contains("host", StringComparison.Ordinal), "a pull job needs a host");
        errors.Should().Contain(l => l.StartsWith(path + ":5:5:", StringComparison.Ordinal) && l.Contains("bandwith", StringComparison.Ordinal) && l.Contains("bandwidth", StringComparison.Ordinal));
        errors.Should().Contain(l => l.Contains("jobs.nightly.syncs[0].options", StringComparison.Ordinal) && l.Contains("--info", StringComparison.Ordinal));
        errors.Should().Contain(l => l.StartsWith(path + ":9:", StringComparison.Ordinal) && l.Contains("sideways", StringComparison.Ordinal));
        errors.Should().Contain(l => l.Contains("jobs.other.syncs", StringComparison.Ordinal));
        check.StandardError.Should().NotContain("   at ", "no stack traces for user mistakes");
    }

    [Fact]
    public async Task Check_names_the_pre_shared_key_of_an_rsync_tls_host_not_ssh_keys()
    {
        // Arrange: one ssh host and one rsync-tls host with a key made by keys psk.
        using var dir = new TempDir("check-tls");
        var psk = dir.Combine("backup1.psk");
        (await SyncwardenCli.RunAsync(["keys", "psk", psk])).EnsureSuccess("keys psk");
        var config = new TestConfig(dir).TlsHost("backup1", 8874, psk);
        config.Job("nightly", $$"""
            direction: push
            host: backup1
            syncs: [{ source: {{TestConfig.Q(dir.CreateSubdirectory("src") + "/")}}, destination: /backup/data }]
            """);

        // Act
        var check = await config.RunCliAsync("check");

        // Assert
        check.ExitCode.Should().Be(0, check.ToString());
        var line = check.StandardOutput.Split('\n').Single(l => l.StartsWith("host backup1:", StringComparison.Ordinal));
        line.Should().Contain("rsync-tls to port 8874").And.Contain(psk).And.NotContain("known_hosts").And.NotContain("keys (agent");
    }

    [Fact]
    public async Task Check_json_lists_errors_with_locations()
    {
        using var dir = new TempDir("check");
        var path = dir.Combine("bad.yaml");
        File.WriteAllText(path, BrokenConfig);

        var check = await SyncwardenCli.RunAsync(["-c", path, "check", "--json"]);

        check.ExitCode.Should().Be(1);
        using var json = JsonDocument.Parse(check.StandardOutput);
        json.RootElement.GetProperty("valid").GetBoolean().Should().BeFalse();
        var typo = json.RootElement.GetProperty("errors").EnumerateArray().Single(e => e.GetProperty("key").GetString() == "jobs.nightly.bandwith");
        (typo.GetProperty("line").GetInt32(), typo.GetProperty("column").GetInt32()).Should().Be((5, 5));
    }

    [Fact]
    public async Task Valid_config_checks_ok_and_names_its_jobs()
    {
        using var dir = new TempDir("check");
        var config = new TestConfig(dir).Job("nightly", """
            direction: local
            syncs: [ { source: /srv/a, destination: /srv/b } ]
            """);

        var check = await config.RunCliAsync("check");

        check.ExitCode.Should().Be(0, check.StandardError);
        check.StandardOutput.Should().Contain("OK").And.Contain("nightly");
    }

    [Fact]
    public async Task Run_with_an_invalid_config_is_a_usage_error_and_runs_nothing()
    {
        using var dir = new TempDir("check");
        var path = dir.Combine("bad.yaml");
        File.WriteAllText(path, BrokenConfig);

        var run = await SyncwardenCli.RunAsync(["-c", path, "run"]);

        run.ExitCode.Should().Be(2);
        run.StandardError.Should().Contain("error(s) in configuration").And.Contain("bandwith");
        Directory.Exists("/tmp/x").Should().BeFalse("no state dir is created for an invalid config");
    }

    [Fact]
    public async Task Check_refuses_a_root_destination_and_one_holding_the_state_dir_with_the_reasons()
    {
        using var dir = new TempDir("check");
        var config = new TestConfig(dir)
            .Job("wipe", """
                direction: local
                options: [--delete]
                syncs: [ { source: /srv/data, destination: / } ]
                """)
            .Job("nest", $$"""
                direction: local
                syncs: [ { source: /srv/data, destination: {{TestConfig.Q(dir.Path)}} } ]
                """);

        var check = await config.RunCliAsync("check");

        check.ExitCode.Should().Be(1);
        check.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries).Should().Equal(
            $"{config.ConfigPath}:7:48: jobs.wipe.syncs[0].destination: destination \"/\" is the root folder of this machine: a sync into it can overwrite "
                + "or (with --delete) remove the whole system (hint: name the folder meant for the copy, such as a backup disk's mount point (/mnt/backup) or a folder below it)",
            $"{config.ConfigPath}:10:48: jobs.nest.syncs[0].destination: destination \"{dir.Path}\" contains syncwarden's state-dir ({config.StateDir}): a sync into it "
                + $"can overwrite or (with --delete) remove the run history and locks (hint: choose a destination that neither is nor contains {config.StateDir}, or move state-dir)",
            $"{config.ConfigPath}: 2 error(s)");
    }

    [Fact]
    public async Task Config_path_comes_from_the_environment_when_not_given()
    {
        using var dir = new TempDir("check");
        var config = new TestConfig(dir).Job("fromenv", """
            direction: local
            syncs: [ { source: /srv/a, destination: /srv/b } ]
            """);
        config.Write();

        var check = await SyncwardenCli.RunAsync(["check"], environment: new Dictionary<string, string?> { ["SYNCWARDEN_CONFIG"] = config.ConfigPath });

        check.ExitCode.Should().Be(0, check.StandardError);
        check.StandardOutput.Should().Contain("fromenv");
    }

    [Fact]
    public async Task Missing_config_file_is_a_clear_error()
    {
        var check = await SyncwardenCli.RunAsync(["-c", "/nonexistent/syncwarden.yaml", "status"]);

        check.ExitCode.Should().Be(2);
        check.StandardError.Should().Contain("/nonexistent/syncwarden.yaml");
        check.StandardError.Should().NotContain("   at ");
    }

    [Fact]
    public async Task Group_readable_config_with_a_password_is_refused_with_the_fix()
    {
        using var dir = new TempDir("check");
        var path = dir.Combine("secret.yaml");
        File.WriteAllText(path, "state-dir: /tmp/x\nnotify:\n  password: hunter2\njobs: {}\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var check = await SyncwardenCli.RunAsync(["-c", path, "check"]);

        check.ExitCode.Should().Be(1);
        check.StandardError.Should().Contain("chmod 600");
        check.StandardError.Should().NotContain("hunter2", "secrets are never printed");
    }

    [Fact]
    public async Task Unknown_command_or_option_is_a_usage_error()
    {
        var result = await SyncwardenCli.RunAsync(["frobnicate"]);

        result.ExitCode.Should().Be(2);
        result.StandardError.Should().Contain("frobnicate");
    }
}
