using Syncwarden.Configuration;

namespace Syncwarden.Tests.Configuration;

public sealed class ConfigLoaderHookTests
{
    private const string Hosts = """
        hosts:
          backup1: { address: backup1.example.net }
        """;

    [Fact]
    public void Hooks_bind_argv_lists_and_mappings_of_every_kind()
    {
        // Arrange
        const string yaml = Hosts + """

            jobs:
              nightly:
                host: backup1
                plugins-dir: /etc/syncwarden/plugins.d
                syncs: [{ source: /srv, destination: /backup/srv }]
                hooks:
                  before:
                    - [/usr/local/bin/check-disk, /mnt/backup]
                    - { command: [mount-backup, ""], timeout: 30s }
                  after:
                    - { command: [/usr/local/bin/snap, --quiet, "$(date)"], on: remote, timeout: 2h }
                  on-error:
                    - [logger, -t, syncwarden, failed]
                  finally:
                    - { command: [/usr/bin/umount, /mnt/backup], on: local }
            """;

        // Act
        var result = ConfigLoader.Parse(yaml, "test.yaml");

        // Assert
        result.Errors.Should().BeEmpty();
        var job = result.Config!.FindJob("nightly")!;
        job.PluginsDir.Should().Be("/etc/syncwarden/plugins.d");
        job.Hooks.Before.Should().HaveCount(2);
        job.Hooks.Before[0].Command.Should().Equal("/usr/local/bin/check-disk", "/mnt/backup");
        job.Hooks.Before[0].Remote.Should().BeFalse();
        job.Hooks.Before[0].Timeout.Should().Be(TimeSpan.FromMinutes(5), "five minutes is the default");
        job.Hooks.Before[1].Command.Should().Equal("mount-backup", "");
        job.Hooks.Before[1].Timeout.Should().Be(TimeSpan.FromSeconds(30));
        job.Hooks.After.Should().ContainSingle().Which.Should().BeEquivalentTo(
            new HookCommand { Command = ["/usr/local/bin/snap", "--quiet", "$(date)"], Remote = true, Timeout = TimeSpan.FromHours(2) });
        job.Hooks.OnError.Single().Command.Should().Equal("logger", "-t", "syncwarden", "failed");
        job.Hooks.Finally.Single().Remote.Should().BeFalse();
        job.Hooks.Finally.Single().Command.Should().Equal("/usr/bin/umount", "/mnt/backup");
    }

    [Fact]
    public void A_job_without_hooks_has_none()
    {
        // Arrange / Act
        var job = ConfigLoader.Parse("jobs: { j: { syncs: [{ source: /a, destination: /b }] } }", "test.yaml").Config!.Jobs[0];

        // Assert
        job.Hooks.Before.Should().BeEmpty();
        job.Hooks.After.Should().BeEmpty();
        job.Hooks.OnError.Should().BeEmpty();
        job.Hooks.Finally.Should().BeEmpty();
        job.PluginsDir.Should().BeNull();
    }

    [Fact]
    public void A_shell_string_is_rejected_with_the_list_form_as_hint()
    {
        // Arrange
        const string yaml = """
            jobs:
              j:
                syncs: [{ source: /a, destination: /b }]
                hooks:
                  before:
                    - /usr/local/bin/snap --quiet
            """;

        // Act
        var error = ConfigErrors.Single(yaml);

        // Assert
        error.ShouldBeAt(6, 11, "jobs.j.hooks.before[0]");
        error.Message.Should().Contain("argv list");
        error.Hint.Should().Contain("[/usr/local/bin/snap, --quiet]");
    }

    [Fact]
    public void An_empty_argv_is_an_error()
    {
        // Arrange
        const string yaml = """
            jobs:
              j:
                syncs: [{ source: /a, destination: /b }]
                hooks:
                  after:
                    - { command: [] }
            """;

        // Act
        var error = ConfigErrors.Single(yaml);

        // Assert
        error.ShouldBeAt(6, 22, "jobs.j.hooks.after[0].command");
        error.Message.Should().Contain("list is empty");
    }

    [Theory]
    [InlineData("./snap")]
    [InlineData("bin/snap")]
    [InlineData("-x")]
    public void A_relative_program_path_is_an_error(string program)
    {
        // Arrange
        var yaml = $$"""
            jobs:
              j:
                syncs: [{ source: /a, destination: /b }]
                hooks:
                  finally: [["{{program}}", arg]]
            """;

        // Act
        var error = ConfigErrors.Single(yaml);

        // Assert
        error.ShouldBeAt(5, 18, "jobs.j.hooks.finally[0][0]");
        error.Message.Should().Contain("absolute path or a bare name found on PATH").And.Contain(program);
    }

    [Fact]
    public void Remote_hook_on_a_job_without_host_is_an_error()
    {
        // Arrange
        const string yaml = """
            jobs:
              j:
                syncs: [{ source: /a, destination: /b }]
                hooks:
                  before: [{ command: [/bin/true], on: remote }]
            """;

        // Act
        var error = ConfigErrors.Single(yaml);

        // Assert
        error.ShouldBeAt(5, 44, "jobs.j.hooks.before[0].on");
        error.Message.Should().Contain("has no host");
    }

    [Fact]
    public void Unknown_hook_kind_suggests_the_nearest()
    {
        // Arrange
        const string yaml = """
            jobs:
              j:
                syncs: [{ source: /a, destination: /b }]
                hooks:
                  onerror: [[/bin/true]]
            """;

        // Act
        var error = ConfigErrors.Single(yaml);

        // Assert
        error.ShouldBeAt(5, 7, "jobs.j.hooks.onerror");
        error.Hint.Should().Contain("on-error");
    }

    [Fact]
    public void Bad_on_and_timeout_values_are_each_reported()
    {
        // Arrange
        const string yaml = Hosts + """

            jobs:
              j:
                host: backup1
                syncs: [{ source: /a, destination: /b }]
                hooks:
                  after:
                    - { command: [/bin/true], on: remot, timeout: 0s }
            """;

        // Act
        var errors = ConfigErrors.Of(yaml);

        // Assert
        errors.Select(e => e.Key).Should().Equal("jobs.j.hooks.after[0].on", "jobs.j.hooks.after[0].timeout");
        errors[0].Hint.Should().Be("did you mean 'remote'?");
        errors[1].Message.Should().Contain("longer than zero");
    }

    [Fact]
    public void A_relative_plugins_dir_is_an_error()
    {
        // Arrange
        const string yaml = """
            jobs:
              j:
                plugins-dir: plugins.d
                syncs: [{ source: /a, destination: /b }]
            """;

        // Act
        var error = ConfigErrors.Single(yaml);

        // Assert
        error.ShouldBeAt(3, 18, "jobs.j.plugins-dir");
        error.Hint.Should().Be("e.g. /plugins.d");
    }
}
