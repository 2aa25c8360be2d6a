using Syncwarden.IntegrationTests.Infrastructure;

namespace Syncwarden.IntegrationTests.Hooks;

[Collection(SshCollection.Name)]
public sealed class RemoteHookTests(SshServerFixture fixture)
{
    private readonly SshServer _server = fixture.Server;

    [Fact]
    public async Task Remote_hook_gets_hostile_arguments_unexpanded_and_the_run_environment()
    {
        // Arrange: sshd runs on this machine, so the remote hook can write into the test's folder.
        using var dir = new TempDir("remote-hooks");
        new TreeBuilder(dir.CreateSubdirectory("src")).File("a.txt", 100);
        new TreeBuilder(dir.CreateSubdirectory("etc")).File("b.conf", 10);
        var replica = dir.CreateSubdirectory("replica");
        var marker = "/tmp/pwned-" + Guid.NewGuid().ToString("N");
        string[] hostile = [$"$(touch {marker})", $"`touch {marker}`", $"; touch {marker}", $"' ; touch {marker}; '", "it's", "a  b", "*", "$HOME", "\\", ""];
        var recorder = HookBed.Script(dir.Combine("bin", "record"), "out=\"$1\"; shift; printf '%s\\0' \"$@\" > \"$out.args\"; env -0 > \"$out\"");
        var argv = string.Join(", ", new[] { recorder, dir.Combine("remote-before") }.Concat(hostile).Select(TestConfig.Q));
        var config = new TestConfig(dir).Host("backup1", _server).Job("push", $$"""
            direction: push
            host: backup1
            syncs:
              - { source: {{TestConfig.Q(dir.Combine("src"))}}, destination: {{TestConfig.Q(replica)}} }
              - { source: {{TestConfig.Q(dir.Combine("etc"))}}, destination: {{TestConfig.Q(replica)}} }
            hooks:
              before: [{ command: [{{argv}}], on: remote, timeout: 30s }]
              after: [{ command: [{{TestConfig.Q(recorder)}}, {{TestConfig.Q(dir.Combine("remote-after"))}}], on: remote }]
            """);

        // Act
        var (exitCode, record, cli) = await HookBed.RunAsync(config, "push");

        // Assert
        exitCode.Should().Be(0, cli.ToString());
        record.Result().Should().Be("succeeded", record.Error());
        File.Exists(marker).Should().BeFalse("no argument may be expanded by the remote shell");
        File.ReadAllText(dir.Combine("remote-before.args")).Split('\0')[..^1].Should().Equal(hostile);
        var env = HookBed.SyncwardenVariables(dir.Combine("remote-before"));
        env["SYNCWARDEN_JOB"].Should().Be("push");
        env["SYNCWARDEN_HOOK"].Should().Be("before");
        env["SYNCWARDEN_RUN_ID"].Should().Be(record.GetProperty("id").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture));
        env["SYNCWARDEN_DIRECTION"].Should().Be("push");
        env["SYNCWARDEN_HOST"].Should().Be("backup1");
        env["SYNCWARDEN_SYNC_COUNT"].Should().Be("2");
        env["SYNCWARDEN_SYNCS"].Should().Be(
            $"{dir.Combine("src")} -> {_server.Address}:{replica}\n{dir.Combine("etc")} -> {_server.Address}:{replica}");
        env["SYNCWARDEN_DESTINATION_2"].Should().Be(replica);
        env.Should().NotContainKey("SYNCWARDEN_RESULT");
        HookBed.Entries(replica).Should().Equal("etc", "etc/b.conf", "src", "src/a.txt");
        var after = HookBed.SyncwardenVariables(dir.Combine("remote-after"));
        after["SYNCWARDEN_HOOK"].Should().Be("after");
        after["SYNCWARDEN_RESULT"].Should().Be("succeeded");
    }

    [Fact]
    public async Task Remote_before_hook_exit_codes_reach_the_run()
    {
        // Arrange
        using var dir = new TempDir("remote-hooks");
        new TreeBuilder(dir.CreateSubdirectory("src")).File("a.txt", 100);
        var replica = dir.CreateSubdirectory("replica");
        var config = new TestConfig(dir).Host("backup1", _server).Job("push", $$"""
            direction: push
            host: backup1
            syncs:
              - { source: {{TestConfig.Q(dir.Combine("src"))}}, destination: {{TestConfig.Q(replica)}} }
            hooks:
              before: [{ command: [/bin/sh, -c, "echo \"replica $0 is read-only\" >&2; exit 4", /srv], on: remote }]
            """);

        // Act
        var (exitCode, record, cli) = await HookBed.RunAsync(config, "push");

        // Assert
        exitCode.Should().Be(1, cli.ToString());
        record.Result().Should().Be("failed");
        record.Error().Should().StartWith("before hook (sh) exited with 4: replica /srv is read-only");
        HookBed.Entries(replica).Should().BeEmpty();
    }
}
