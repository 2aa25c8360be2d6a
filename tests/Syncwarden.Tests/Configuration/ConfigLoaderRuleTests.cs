using Syncwarden.Configuration;

namespace Syncwarden.Tests.Configuration;

/// <summary>Rules about jobs and hosts: directions, host references, names, paths, values and rsync options.</summary>
public sealed class ConfigLoaderRuleTests
{
    [Theory]
    [InlineData("push")]
    [InlineData("pull")]
    public void Push_or_pull_job_without_host_is_an_error(string direction)
    {
        // Arrange
        var yaml = $"""
            jobs:
              up:
                direction: {direction}
                syncs: [{"{"} source: /a, destination: /b {"}"}]
            """;

        // Act
        var error = ConfigErrors.Single(yaml);

        // Assert
        error.ShouldBeAt(3, 5, "jobs.up.host");
        error.Message.Should().Be($"a {direction} job needs a host");
        error.Hint.Should().Contain("direction: local");
    }

    [Fact]
    public void Job_naming_an_undefined_host_suggests_the_nearest_defined_one()
    {
        // Arrange
        const string yaml = """
            hosts:
              backup1: { address: backup1.example.net }
            jobs:
              nightly:
                host: bakup1
                syncs: [{ source: /a, destination: /b }]
            """;

        // Act
        var error = ConfigErrors.Single(yaml);

        // Assert
        error.ShouldBeAt(5, 11, "jobs.nightly.host");
        error.Message.Should().Be("host 'bakup1' is not defined under hosts:");
        error.Hint.Should().Be("did you mean 'backup1'?");
    }

    [Fact]
    public void Local_job_naming_a_host_is_an_error()
    {
        // Arrange
        const string yaml = """
            hosts:
              backup1: { address: backup1.example.net }
            jobs:
              nightly:
                direction: local
                host: backup1
                syncs: [{ source: /a, destination: /b }]
            """;

        // Act
        var error = ConfigErrors.Single(yaml);

        // Assert
        error.ShouldBeAt(6, 11, "jobs.nightly.host");
        error.Message.Should().Contain("local job must not name a host");
    }

    [Fact]
    public void Invalid_direction_lists_the_allowed_values()
    {
        // Arrange
        const string yaml = """
            jobs:
              nightly:
                direction: sideways
                syncs: [{ source: a, destination: b }]
            """;

        // Act
        var error = ConfigErrors.Single(yaml);

        // Assert
        error.ShouldBeAt(3, 16, "jobs.nightly.direction");
        error.Message.Should().Be("expected one of pull, push, local, got \"sideways\"");
    }

    [Fact]
    public void Misspelt_enum_value_suggests_the_nearest_allowed_one()
    {
        // Arrange
        const string yaml = """
            log: { level: warn }
            hosts:
              nas: { address: nas, host-key-checking: acept-new }
            """;

        // Act
        var errors = ConfigErrors.Of(yaml);

        // Assert
        errors.Should().HaveCount(2);
        errors[0].ShouldBeAt(1, 15, "log.level");
        errors[0].Message.Should().Contain("debug, info, warning, error");
        errors[0].Hint.Should().Be("did you mean 'warning'?");
        errors[1].ShouldBeAt(3, 43, "hosts.nas.host-key-checking");
        errors[1].Message.Should().Contain("yes, accept-new, no");
        errors[1].Hint.Should().Be("did you mean 'accept-new'?");
    }

    [Fact]
    public void Refused_rsync_options_in_job_and_sync_options_are_both_reported()
    {
        // Arrange
        const string yaml = """
            jobs:
              nightly:
                options: [--hard-links, --progress]
                syncs:
                  - source: /a
                    destination: /b
                    options: [-avP]
            """;

        // Act
        var errors = ConfigErrors.Of(yaml);

        // Assert
        errors.Should().HaveCount(2);
        errors[0].ShouldBeAt(3, 29, "jobs.nightly.options[1]");
        errors[0].Message.Should().Contain("--progress").And.Contain("not allowed");
        errors[1].ShouldBeAt(7, 19, "jobs.nightly.syncs[0].options[0]");
        errors[1].Message.Should().Contain("-P");
    }

    [Fact]
    public void Invalid_job_and_host_names_are_errors()
    {
        // Arrange
        const string yaml = """
            hosts:
              -bad: { address: x }
            jobs:
              "my job":
                syncs: [{ source: /a, destination: /b }]
            """;

        // Act
        var errors = ConfigErrors.Of(yaml);

        // Assert
        errors.Should().HaveCount(2);
        errors[0].ShouldBeAt(2, 3, "hosts.-bad");
        errors[0].Message.Should().Contain("invalid host name '-bad'");
        errors[1].ShouldBeAt(4, 3, "jobs.my job");
        errors[1].Message.Should().Contain("invalid job name 'my job'");
    }

    [Fact]
    public void Ssh_option_without_equals_sign_is_an_error()
    {
        // Arrange
        const string yaml = """
            hosts:
              nas:
                address: nas
                ssh-options: [ServerAliveInterval=30, "Compression no"]
            """;

        // Act
        var error = ConfigErrors.Single(yaml);

        // Assert
        error.ShouldBeAt(4, 43, "hosts.nas.ssh-options[1]");
        error.Message.Should().Contain("Key=Value");
    }

    [Theory]
    [InlineData("local", "source: data, destination: /b", "source", "a local job")]
    [InlineData("local", "source: /a, destination: b", "destination", "a local job")]
    [InlineData("push", "source: ./data, destination: b", "source", "a push job")]
    [InlineData("pull", "source: data, destination: backup", "destination", "a pull job")]
    public void Local_side_of_a_sync_must_be_an_absolute_path(string direction, string sync, string key, string kind)
    {
        // Arrange
        var host = direction == "local" ? "" : "host: nas, ";
        var yaml = $$"""
            hosts: { nas: { address: nas } }
            jobs:
              j: { direction: {{direction}}, {{host}}syncs: [{ {{sync}} }] }
            """;

        // Act
        var error = ConfigErrors.Single(yaml);

        // Assert
        error.Line.Should().Be(3);
        error.Key.Should().Be($"jobs.j.syncs[0].{key}");
        error.Message.Should().Contain(kind).And.Contain("absolute");
    }

    [Fact]
    public void Remote_side_of_a_sync_may_be_relative()
    {
        // Arrange
        const string yaml = """
            hosts: { nas: { address: nas } }
            jobs:
              fetch: { host: nas, syncs: [{ source: photos, destination: /backup/photos }] }
              send: { direction: push, host: nas, syncs: [{ source: /srv, destination: srv }] }
            """;

        // Act
        var result = ConfigLoader.Parse(yaml, ConfigErrors.File);

        // Assert
        result.Errors.Should().BeEmpty();
    }

    [Theory]
    [InlineData("port: 70000", "hosts.nas.port", "between 1 and 65535")]
    [InlineData("port: http", "hosts.nas.port", "a TCP port number")]
    [InlineData("connect-timeout: 5 minutes", "hosts.nas.connect-timeout", "minutes")]
    [InlineData("connect-timeout: 0", "hosts.nas.connect-timeout", "longer than zero")]
    public void Out_of_range_or_malformed_host_values_are_errors(string line, string key, string messagePart)
    {
        // Arrange
        var yaml = $"""
            hosts:
              nas:
                address: nas
                {line}
            """;

        // Act
        var error = ConfigErrors.Single(yaml);

        // Assert
        error.Line.Should().Be(4);
        error.Key.Should().Be(key);
        error.Message.Should().Contain(messagePart);
        error.Hint.Should().NotBeNullOrEmpty();
    }

    [Theory]
    [InlineData("max-delete: \"150%\"", "jobs.j.max-delete", "at most 100%")]
    [InlineData("max-delete: 0", "jobs.j.max-delete", "at least 1")]
    [InlineData("max-delete: lots", "jobs.j.max-delete", "number of files or a percentage")]
    [InlineData("exit-codes: { 300: success }", "jobs.j.exit-codes.300", "between 0 and 255")]
    [InlineData("exit-codes: { 24: fine }", "jobs.j.exit-codes.24", "success, warning, failure")]
    [InlineData("retries: { count: -1 }", "jobs.j.retries.count", "at least 0")]
    [InlineData("retries: { delay: later }", "jobs.j.retries.delay", "duration")]
    [InlineData("timeout: 1h1h", "jobs.j.timeout", "largest first")]
    [InlineData("allow-empty-source: maybe", "jobs.j.allow-empty-source", "true or false")]
    [InlineData("bandwidth: 0", "jobs.j.bandwidth", "at least 1")]
    [InlineData("exclude: '*.tmp'", "jobs.j.exclude", "expected a list")]
    public void Malformed_job_values_are_errors(string line, string key, string messagePart)
    {
        // Arrange
        var yaml = $"""
            jobs:
              j:
                syncs: [{"{"} source: /a, destination: /b {"}"}]
                {line}
            """;

        // Act
        var error = ConfigErrors.Single(yaml);

        // Assert
        error.Line.Should().Be(4);
        error.Key.Should().Be(key);
        error.Message.Should().Contain(messagePart);
        error.Hint.Should().NotBeNullOrEmpty();
    }
}
