using Syncwarden.Configuration;
using Syncwarden.Hooks;
using Syncwarden.Processes;
using Syncwarden.Ssh;

namespace Syncwarden.Tests.Hooks;

public sealed class RemoteCommandLineTests
{
    [Theory]
    [InlineData("plain", "'plain'")]
    [InlineData("", "''")]
    [InlineData("it's", "'it'\\''s'")]
    [InlineData("$(touch x)", "'$(touch x)'")]
    [InlineData("a\nb", "'a\nb'")]
    public void Each_word_is_single_quoted_for_a_posix_shell(string word, string expected) =>
        RemoteCommandLine.Quote(word).Should().Be(expected);

    [Fact]
    public void Environment_is_passed_through_env_before_the_program()
    {
        // Arrange / Act
        var line = RemoteCommandLine.Build([new("A", "1"), new("B", "x y")], ["/bin/prog", "--flag"]);

        // Assert
        line.Should().Be("'env' 'A=1' 'B=x y' '/bin/prog' '--flag'");
    }

    [Fact]
    public async Task Hostile_words_reach_the_program_unchanged_through_a_real_shell()
    {
        // Arrange: the remote side does exactly this: sh -c "<the command line ssh received>".
        var marker = Path.Combine(Path.GetTempPath(), "sw-pwned-" + Guid.NewGuid().ToString("N"));
        string[] hostile = [$"$(touch {marker})", $"`touch {marker}`", $"; touch {marker}", "it's", "\"dq\"", "a  b", "*", "~", "$HOME", "line\nbreak", "back\\slash", "", "-n"];
        var line = RemoteCommandLine.Build([new("SYNCWARDEN_ERROR", $"x'; touch {marker}; '"), new("MULTI", "one\ntwo")],
            ["/bin/sh", "-c", "printf '%s\\0' \"$SYNCWARDEN_ERROR\" \"$MULTI\" \"$@\"", "sh", .. hostile]);

        // Act
        var (result, stdout, stderr) = await ProcessRunner.Default.CaptureAsync(new ProcessSpec("/bin/sh", ["-c", line]));

        // Assert
        result.ExitCode.Should().Be(0, stderr);
        stdout.Split('\0')[..^1].Should().Equal([$"x'; touch {marker}; '", "one\ntwo", .. hostile]);
        File.Exists(marker).Should().BeFalse("nothing may be expanded or executed");
    }

    [Fact]
    public void Remote_hook_runs_ssh_to_the_job_host_with_one_quoted_command_word()
    {
        // Arrange
        var host = new HostConfig { Name = "backup1", Address = "backup1.example.net", User = "replica", Port = 2222 };
        var job = new JobConfig { Name = "j", Direction = Direction.Push, Host = "backup1", HostConfig = host };
        var config = new SyncwardenConfig { SourceFile = "test.yaml", SshPath = "/usr/bin/ssh" };
        var hook = new HookCommand { Command = ["/usr/local/bin/snap", "$(id)"], Remote = true };

        // Act
        var spec = new HookRunner(config, ProcessRunner.Default, TimeProvider.System).BuildSpec(job, hook, new Dictionary<string, string> { ["SYNCWARDEN_JOB"] = "j" });

        // Assert
        spec.FileName.Should().Be("/usr/bin/ssh");
        spec.Arguments.Should().ContainInOrder("-p", "2222", "-l", "replica", "BatchMode=yes");
        spec.Arguments.TakeLast(3).Should().Equal("--", "backup1.example.net", "'env' 'SYNCWARDEN_JOB=j' '/usr/local/bin/snap' '$(id)'");
        spec.OwnProcessGroup.Should().BeTrue();
    }

    [Fact]
    public void Local_hook_is_the_argv_itself_with_the_environment()
    {
        // Arrange
        var config = new SyncwardenConfig { SourceFile = "test.yaml" };
        var hook = new HookCommand { Command = ["/usr/local/bin/snap", "--quiet"] };

        // Act
        var spec = new HookRunner(config, ProcessRunner.Default, TimeProvider.System)
            .BuildSpec(new JobConfig { Name = "j" }, hook, new Dictionary<string, string> { ["SYNCWARDEN_JOB"] = "j" });

        // Assert
        spec.FileName.Should().Be("/usr/local/bin/snap");
        spec.Arguments.Should().Equal("--quiet");
        spec.Environment.Should().Contain("SYNCWARDEN_JOB", "j");
        spec.GracePeriod.Should().Be(HookRunner.GracePeriod);
    }
}
