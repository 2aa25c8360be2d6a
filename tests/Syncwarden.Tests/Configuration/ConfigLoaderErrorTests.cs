using Syncwarden.Configuration;

namespace Syncwarden.Tests.Configuration;

/// <summary>Structural problems: unknown keys, wrong types, missing keys, duplicates, YAML syntax, several errors at once.</summary>
public sealed class ConfigLoaderErrorTests
{
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
        var error = ConfigErrors.Single(yaml);

        // Assert
        error.ShouldBeAt(3, 5, "jobs.nightly.bandwith");
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
        var error = ConfigErrors.Single(yaml);

        // Assert
        error.ShouldBeAt(1, 1, "colour");
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
        var error = ConfigErrors.Single(yaml);

        // Assert
        error.ShouldBeAt(3, 16, "jobs.nightly.bandwidth");
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
        var error = ConfigErrors.Single(yaml);

        // Assert
        error.ShouldBeAt(1, 6, "log");
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
        var error = ConfigErrors.Single(yaml);

        // Assert
        error.ShouldBeAt(4, 7, "jobs.nightly.syncs");
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
        var error = ConfigErrors.Single(yaml);

        // Assert
        error.ShouldBeAt(3, 5, "hosts.backup1.address");
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
        var error = ConfigErrors.Single(yaml);

        // Assert
        error.ShouldBeAt(3, 5, "jobs.nightly.syncs");
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
        var error = ConfigErrors.Single(yaml);

        // Assert
        error.ShouldBeAt(3, 12, "jobs.nightly.syncs");
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
        var error = ConfigErrors.Single(yaml);

        // Assert
        error.ShouldBeAt(6, 9, "jobs.nightly.syncs[1].destination");
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
        var errors = ConfigErrors.Of(yaml);

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
        var error = ConfigErrors.Single(yaml);

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
        var error = ConfigErrors.Single(yaml);

        // Assert
        error.Line.Should().Be(3);
        error.Message.Should().StartWith("invalid YAML:");
    }

    [Fact]
    public void Empty_file_is_an_error()
    {
        // Arrange / Act
        var error = ConfigErrors.Single("# nothing here\n");

        // Assert
        error.Line.Should().Be(0);
        error.Message.Should().Contain("empty");
        error.Hint.Should().Contain("jobs:");
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
        var result = ConfigLoader.Parse(yaml, ConfigErrors.File);

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

    [Fact]
    public void Unclosed_flow_list_is_a_syntax_error_not_a_crash()
    {
        // Arrange
        const string yaml = """
            jobs: [a, b
            hosts: {}
            """;

        // Act
        var error = ConfigErrors.Single(yaml);

        // Assert
        error.Line.Should().BeGreaterThan(0);
        error.Message.Should().Contain("YAML");
    }

    [Fact]
    public void Second_yaml_document_is_an_error()
    {
        // Arrange
        const string yaml = """
            jobs: {}
            ---
            jobs: {}
            """;

        // Act
        var error = ConfigErrors.Single(yaml);

        // Assert
        error.Line.Should().Be(2);
        error.Message.Should().Contain("more than one YAML document");
    }
}
