using Syncwarden.Configuration;

namespace Syncwarden.Tests.Configuration;

public sealed class ConfigLoaderErrorTests
{
    private const string File = "/etc/syncwarden/syncwarden.yaml";

    private static ConfigError SingleError(string yaml)
    {
        var result = ConfigLoader.Parse(yaml, File);
        result.Config.Should().BeNull("an invalid file must not produce a config");
        result.IsValid.Should().BeFalse();
        result.Errors.Should().ContainSingle($"expected exactly one error, got: {string.Join(" | ", result.Errors)}");
        result.Errors[0].File.Should().Be(File);
        return result.Errors[0];
    }

    private static void ShouldBeAt(ConfigError error, int line, int column, string key)
    {
        error.Line.Should().Be(line, error.ToString());
        error.Column.Should().Be(column, error.ToString());
        error.Key.Should().Be(key, error.ToString());
        error.Hint.Should().NotBeNullOrWhiteSpace(error.ToString());
    }

    [Fact]
    public void Unknown_key_is_an_error_naming_line_and_column()
    {
        // Arrange
        const string yaml = """
            jobs:
              nightly:
                bandwith: 5000
                syncs: [{ source: /a, destination: /b }]
            """;

        // Act
        var error = SingleError(yaml);

        // Assert
        ShouldBeAt(error, 3, 5, "jobs.nightly.bandwith");
        error.Message.Should().Contain("unknown key 'bandwith'");
        error.Hint.Should().Be("did you mean 'bandwidth'?");
    }

    [Fact]
    public void Unknown_key_far_from_any_known_key_lists_the_allowed_keys()
    {
        // Arrange
        const string yaml = """
            colour: blue
            jobs: {}
            """;

        // Act
        var error = SingleError(yaml);

        // Assert
        ShouldBeAt(error, 1, 1, "colour");
        error.Hint.Should().Contain("keys allowed here:").And.Contain("state-dir").And.Contain("jobs");
    }

    [Fact]
    public void Text_where_a_whole_number_is_expected_renders_file_line_column_key_and_hint()
    {
        // Arrange
        const string yaml = """
            jobs:
              nightly:
                bandwidth: fast
                syncs: [{ source: /a, destination: /b }]
            """;

        // Act
        var error = SingleError(yaml);

        // Assert
        ShouldBeAt(error, 3, 16, "jobs.nightly.bandwidth");
        error.ToString().Should().Be(
            "/etc/syncwarden/syncwarden.yaml:3:16: jobs.nightly.bandwidth: expected a whole number of KiB/s, got \"fast\" (hint: e.g. bandwidth: 5000)");
    }

    [Fact]
    public void Scalar_where_a_mapping_is_expected_is_a_type_error()
    {
        // Arrange
        const string yaml = """
            log: debug
            jobs: {}
            """;

        // Act
        var error = SingleError(yaml);

        // Assert
        ShouldBeAt(error, 1, 6, "log");
        error.Message.Should().Be("expected a mapping (key: value lines), got \"debug\"");
    }

    [Fact]
    public void Mapping_where_a_list_is_expected_is_a_type_error()
    {
        // Arrange
        const string yaml = """
            jobs:
              nightly:
                syncs:
                  source: /a
                  destination: /b
            """;

        // Act
        var error = SingleError(yaml);

        // Assert
        ShouldBeAt(error, 4, 7, "jobs.nightly.syncs");
        error.Message.Should().StartWith("expected a list, got a mapping");
    }

    [Fact]
    public void Host_without_address_reports_the_missing_required_key()
    {
        // Arrange
        const string yaml = """
            hosts:
              backup1:
                user: replica
            jobs: {}
            """;

        // Act
        var error = SingleError(yaml);

        // Assert
        ShouldBeAt(error, 3, 5, "hosts.backup1.address");
        error.Message.Should().Be("required key 'address' is missing");
        error.Hint.Should().Contain("address:");
    }

    [Fact]
    public void Job_without_syncs_reports_the_missing_required_key()
    {
        // Arrange
        const string yaml = """
            jobs:
              nightly:
                bandwidth: 100
            """;

        // Act
        var error = SingleError(yaml);

        // Assert
        ShouldBeAt(error, 3, 5, "jobs.nightly.syncs");
        error.Message.Should().Contain("'syncs'");
    }

    [Fact]
    public void Empty_syncs_list_is_an_error()
    {
        // Arrange
        const string yaml = """
            jobs:
              nightly:
                syncs: []
            """;

        // Act
        var error = SingleError(yaml);

        // Assert
        ShouldBeAt(error, 3, 12, "jobs.nightly.syncs");
        error.Message.Should().Contain("at least one");
    }

    [Fact]
    public void Sync_without_destination_reports_the_missing_required_key()
    {
        // Arrange
        const string yaml = """
            jobs:
              nightly:
                syncs:
                  - source: /a
                    destination: /b
                  - source: /c
            """;

        // Act
        var error = SingleError(yaml);

        // Assert
        ShouldBeAt(error, 6, 9, "jobs.nightly.syncs[1].destination");
    }

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
        var error = SingleError(yaml);

        // Assert
        ShouldBeAt(error, 3, 5, "jobs.up.host");
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
        var error = SingleError(yaml);

        // Assert
        ShouldBeAt(error, 5, 11, "jobs.nightly.host");
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
        var error = SingleError(yaml);

        // Assert
        ShouldBeAt(error, 6, 11, "jobs.nightly.host");
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
        var error = SingleError(yaml);

        // Assert
        ShouldBeAt(error, 3, 16, "jobs.nightly.direction");
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
        var errors = ConfigLoader.Parse(yaml, File).Errors;

        // Assert
        errors.Should().HaveCount(2);
        ShouldBeAt(errors[0], 1, 15, "log.level");
        errors[0].Message.Should().Contain("debug, info, warning, error");
        errors[0].Hint.Should().Be("did you mean 'warning'?");
        ShouldBeAt(errors[1], 3, 43, "hosts.nas.host-key-checking");
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
        var errors = ConfigLoader.Parse(yaml, File).Errors;

        // Assert
        errors.Should().HaveCount(2);
        ShouldBeAt(errors[0], 3, 29, "jobs.nightly.options[1]");
        errors[0].Message.Should().Contain("--progress").And.Contain("not allowed");
        ShouldBeAt(errors[1], 7, 19, "jobs.nightly.syncs[0].options[0]");
        errors[1].Message.Should().Contain("-P");
    }

    [Fact]
    public void Duplicate_keys_are_all_reported_and_binding_continues()
    {
        // Arrange
        const string yaml = """
            jobs:
              nightly:
                bandwidth: 100
                bandwidth: 200
                syncs: [{ source: /a, destination: /b, source: /c }]
                timeout: soon
            """;

        // Act
        var errors = ConfigLoader.Parse(yaml, File).Errors;

        // Assert
        errors.Select(e => (e.Line, e.Column, e.Key)).Should().Equal(
            (4, 5, "jobs.nightly.bandwidth"),
            (5, 44, "jobs.nightly.syncs[0].source"),
            (6, 14, "jobs.nightly.timeout"));
        errors[0].Message.Should().Contain("duplicate key 'bandwidth'");
        errors[1].Message.Should().Contain("duplicate key 'source'");
    }

    [Fact]
    public void Yaml_syntax_error_reports_the_parser_position()
    {
        // Arrange
        const string yaml = """
            jobs:
              nightly:
                syncs: [{ source: "/a, destination: /b }]
            """;

        // Act
        var error = SingleError(yaml);

        // Assert
        error.Line.Should().BeGreaterThan(0);
        error.Column.Should().BeGreaterThan(0);
        error.Key.Should().BeEmpty();
        error.Message.Should().StartWith("invalid YAML:");
        error.Hint.Should().Contain("indentation");
    }

    [Fact]
    public void Tab_indentation_is_a_syntax_error_at_its_line()
    {
        // Arrange
        var yaml = "jobs:\n  a:\n\tsyncs: []\n";

        // Act
        var error = SingleError(yaml);

        // Assert
        error.Line.Should().Be(3);
        error.Message.Should().StartWith("invalid YAML:");
    }

    [Fact]
    public void Empty_file_is_an_error()
    {
        // Arrange / Act
        var error = SingleError("# nothing here\n");

        // Assert
        error.Line.Should().Be(0);
        error.Message.Should().Contain("empty");
        error.Hint.Should().Contain("jobs:");
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
        var errors = ConfigLoader.Parse(yaml, File).Errors;

        // Assert
        errors.Should().HaveCount(2);
        ShouldBeAt(errors[0], 2, 3, "hosts.-bad");
        errors[0].Message.Should().Contain("invalid host name '-bad'");
        ShouldBeAt(errors[1], 4, 3, "jobs.my job");
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
        var error = SingleError(yaml);

        // Assert
        ShouldBeAt(error, 4, 43, "hosts.nas.ssh-options[1]");
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
        var error = SingleError(yaml);

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
        var result = ConfigLoader.Parse(yaml, File);

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
        var error = SingleError(yaml);

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
        var error = SingleError(yaml);

        // Assert
        error.Line.Should().Be(4);
        error.Key.Should().Be(key);
        error.Message.Should().Contain(messagePart);
        error.Hint.Should().NotBeNullOrEmpty();
    }

    [Fact]
    public void Several_errors_in_one_file_are_all_reported_in_file_order()
    {
        // Arrange
        const string yaml = """
            state-dirr: /var/lib/syncwarden
            log: { level: loud }
            hosts:
              nas: { port: 22 }
            jobs:
              one:
                direction: push
                syncs: [{ source: /a, destination: /b }]
              two:
                host: ghost
                bandwidth: -5
                options: [--inplace]
                syncs: [{ source: /a }]
            """;

        // Act
        var result = ConfigLoader.Parse(yaml, File);

        // Assert
        result.Config.Should().BeNull();
        result.Errors.Select(e => e.Key).Should().Equal(
            "state-dirr",
            "log.level",
            "hosts.nas.address",
            "jobs.one.host",
            "jobs.two.host",
            "jobs.two.bandwidth",
            "jobs.two.options[0]",
            "jobs.two.syncs[0].destination");
        result.Errors.Should().OnlyContain(e => e.Line > 0 && e.Column > 0 && e.Hint != null);
    }
}
