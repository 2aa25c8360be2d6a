using System.Runtime.Versioning;
using System.Text;
using Syncwarden.Configuration;

namespace Syncwarden.Tests.Configuration;

/// <summary>
/// Files that are hostile or broken in ways that used to cost a minute of CPU, gigabytes of memory or megabytes
/// of output: alias bombs, runaway nesting, huge files and values, directories, several documents, and repeats
/// that used to hide the mistakes inside them.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class ConfigLoaderHostileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("syncwarden-hostile-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private const string ValidJob = """
          a:
            direction: local
            syncs: [{ source: /srv/a, destination: /backup/a }]
        """;

    [Fact]
    public void Alias_bomb_is_refused_at_the_alias_that_crosses_the_limit()
    {
        // Arrange: nine levels of ten-fold aliases stand for a billion nodes.
        var lines = new List<string> { "a: &a [x, x, x, x, x, x, x, x, x, x]" };
        for (var level = 1; level < 9; level++)
        {
            var name = (char)('a' + level);
            var previous = (char)('a' + level - 1);
            lines.Add($"{name}: &{name} [{string.Join(", ", Enumerable.Repeat($"*{previous}", 10))}]");
        }
        lines.Add("jobs: {}");

        // Act
        var error = ConfigErrors.Single(string.Join('\n', lines));

        // Assert: by line 5 aliases have added 12,330 nodes and each *d adds 11,111 more, so its eighth passes 100,000.
        error.Line.Should().Be(5);
        error.Column.Should().Be(36);
        error.Key.Should().BeEmpty();
        error.Message.Should().Be("aliases (*name) in this file expand to more than 100000 nodes; refusing to expand them");
        error.Hint.Should().Be("reuse small blocks only; an anchor that refers to other anchors many times over multiplies its size");
    }

    [Fact]
    public void Small_anchors_reused_by_several_jobs_still_bind()
    {
        // Arrange
        const string yaml = """
            jobs:
              a:
                direction: local
                exclude: &common ['*.tmp', '.cache/']
                syncs: [{ source: /srv/a, destination: /backup/a }]
              b:
                direction: local
                exclude: *common
                syncs: [{ source: /srv/b, destination: /backup/b }]
            """;

        // Act
        var result = ConfigLoader.Parse(yaml, ConfigErrors.File);

        // Assert
        result.Errors.Should().BeEmpty();
        result.Config!.Jobs.Single(j => j.Name == "b").Exclude.Should().Equal("*.tmp", ".cache/");
    }

    [Theory]
    [InlineData("flow lists", "jobs: ", "[", "]", 1)]
    [InlineData("flow mappings", "jobs: ", "{a: ", "}", 1)]
    public void Runaway_flow_nesting_is_refused_without_walking_it(string what, string prefix, string open, string close, int line)
    {
        // Arrange: 100,000 levels; a recursive walk would overflow the stack.
        var yaml = prefix + string.Concat(Enumerable.Repeat(open, 100_000)) + string.Concat(Enumerable.Repeat(close, 100_000));

        // Act
        var error = ConfigErrors.Single(yaml);

        // Assert
        error.Line.Should().Be(line, what);
        error.Message.Should().Be("mappings and lists nest more than 64 levels deep here");
        error.Hint.Should().Be("a configuration needs only a few levels (jobs: name: syncs: - source:); check for runaway brackets or indentation");
    }

    [Fact]
    public void Runaway_block_nesting_is_refused_at_the_first_level_too_deep()
    {
        // Arrange: jobs: is level 1, so k64 on line 65 opens the 65th mapping.
        var yaml = new StringBuilder("jobs:\n");
        for (var level = 1; level < 200; level++)
        {
            yaml.Append(' ', level).Append('k').Append(level).Append(":\n");
        }

        // Act
        var error = ConfigErrors.Single(yaml.ToString());

        // Assert
        error.Line.Should().Be(65);
        error.Message.Should().Be("mappings and lists nest more than 64 levels deep here");
    }

    [Fact]
    public void Huge_value_is_echoed_as_a_short_excerpt()
    {
        // Arrange
        var value = new string('x', 3_000_000);
        var yaml = $"jobs:\n{ValidJob}\n    timeout: {value}\n";

        // Act
        var error = ConfigErrors.Single(yaml);

        // Assert
        error.Key.Should().Be("jobs.a.timeout");
        error.ToString().Length.Should().BeLessThan(600, error.ToString());
        error.Message.Should().Contain("…(2999922 characters left out)…", "the quoted value is one word of the message");
        error.Message.Should().StartWith("expected a duration such as");
    }

    [Fact]
    public void Huge_unknown_key_is_cut_in_the_key_path_and_the_message()
    {
        // Arrange: YAML itself refuses implicit keys above 1024 characters.
        var key = new string('y', 1000);
        var yaml = $"jobs:\n{ValidJob}\n    {key}: 1\n";

        // Act
        var error = ConfigErrors.Single(yaml);

        // Assert
        error.Key.Length.Should().BeLessThanOrEqualTo(ConfigReader.MaxEcho);
        error.Key.Should().StartWith("jobs.a.yyyy").And.Contain("characters left out");
        error.Message.Should().StartWith("unknown key 'yyyy").And.Contain("characters left out");
        error.ToString().Length.Should().BeLessThan(1000);
    }

    [Fact]
    public void Text_above_the_size_limit_is_refused_before_parsing()
    {
        // Arrange: valid YAML, just too much of it.
        var yaml = "jobs: {}\n# " + new string('z', ConfigLoader.MaxFileBytes) + "\n";

        // Act
        var error = ConfigErrors.Single(yaml);

        // Assert
        error.Line.Should().Be(0);
        error.Message.Should().Be("the configuration file is larger than the 4 MiB limit");
        error.Hint.Should().Be("check that --config names the right file; a configuration with hundreds of jobs is still far smaller");
    }

    [Fact]
    public void File_above_the_size_limit_is_refused_without_reading_it_whole()
    {
        // Arrange: a sparse 1 GiB file costs nothing on disk.
        var path = Path.Combine(_dir, "huge.yaml");
        using (var stream = File.Create(path))
        {
            stream.SetLength(1L << 30);
        }

        // Act
        var result = ConfigLoader.Load(path);

        // Assert
        result.Errors.Should().ContainSingle().Which.Message.Should().Be("the configuration file is larger than the 4 MiB limit");
    }

    [Fact]
    public void Endless_device_is_refused_at_the_size_limit()
    {
        // Act
        var result = ConfigLoader.Load("/dev/zero");

        // Assert
        result.Errors.Should().ContainSingle().Which.Message.Should().Be("the configuration file is larger than the 4 MiB limit");
    }

    [Fact]
    public void Directory_given_as_the_file_says_it_is_a_directory()
    {
        // Act
        var result = ConfigLoader.Load(_dir);

        // Assert
        var error = result.Errors.Should().ContainSingle().Subject;
        error.ToString().Should().Be($"{_dir}: this is a directory, not a configuration file (hint: name the file itself, e.g. {_dir}/syncwarden.yaml)");
    }

    [Fact]
    public void Several_documents_get_a_hint_about_documents_not_indentation()
    {
        // Arrange
        var yaml = $"jobs:\n{ValidJob}\n---\njobs: {{}}\n";

        // Act
        var error = ConfigErrors.Single(yaml);

        // Assert
        error.Line.Should().Be(5);
        error.Message.Should().Be("the file holds more than one YAML document (a second '---' starts here); syncwarden reads exactly one");
        error.Hint.Should().Be("merge the documents into one mapping and remove the '---' line; keep other configurations in files of their own and choose one with --config");
    }

    [Fact]
    public void Duplicate_job_reports_the_repeat_and_the_mistakes_inside_both_copies()
    {
        // Arrange
        const string yaml = """
            jobs:
              a:
                direction: local
                syncs: [{ source: /srv/a, destination: /backup/a }]
                timeout: soon
              a:
                direction: sideways
                syncs: [{ source: /srv/a, destination: /backup/a }]
            """;

        // Act
        var errors = ConfigErrors.Of(yaml);

        // Assert
        errors.Select(e => (e.Line, e.Key, e.Message)).Should().Equal(
            (5, "jobs.a.timeout", "expected a duration such as 90s, 5m, 1h30m, 2d, 1w or 500ms, got \"soon\""),
            (6, "jobs.a", "duplicate key 'a'; only one is allowed here"),
            (7, "jobs.a.direction", "expected one of pull, push, local, got \"sideways\""));
    }

    [Fact]
    public void Duplicate_host_reports_the_mistakes_inside_both_copies()
    {
        // Arrange
        const string yaml = """
            hosts:
              nas: { address: nas.example.net, port: 99999 }
              nas: { address: nas.example.net, user: "" }
            jobs: {}
            """;

        // Act
        var errors = ConfigErrors.Of(yaml);

        // Assert
        errors.Select(e => (e.Line, e.Key)).Should().Equal(
            (2, "hosts.nas.port"),
            (3, "hosts.nas"),
            (3, "hosts.nas.user"));
    }

    [Fact]
    public void Schedule_and_every_together_report_the_mistakes_of_each()
    {
        // Arrange
        var yaml = $"jobs:\n{ValidJob}\n    schedule: \"99 * * * 9\"\n    every: {{ fortnights: 1 }}\n";

        // Act
        var errors = ConfigErrors.Of(yaml);

        // Assert
        errors.Select(e => (e.Line, e.Key)).Should().Equal(
            (5, "jobs.a.schedule"),
            (6, "jobs.a.every"),
            (6, "jobs.a.every.fortnights"));
        errors[0].Message.Should().Contain("minute field \"99\"").And.Contain("day-of-week field \"9\"");
        errors[1].Message.Should().Be("a job takes either schedule: or every:, not both");
        errors[2].Message.Should().Be("unknown key 'fortnights'");
    }

    [Fact]
    public void Lone_colon_on_the_last_line_is_a_syntax_error_not_a_crash()
    {
        // Found by the loader fuzz test: YamlDotNet closes the mapping right after the empty key.
        const string yaml = "power:\n  sleep-after-run: true\n:";

        // Act
        var error = ConfigErrors.Single(yaml);

        // Assert
        error.Line.Should().Be(3);
        error.Message.Should().Be("invalid YAML: a key has no value here");
    }

    [Fact]
    public void Whole_file_checks_name_a_repeated_job_as_written()
    {
        // Arrange: the path checks and the secrets check walk the file again after binding.
        const string yaml = """
            jobs:
              a:
                direction: local
                syncs: [{ source: /srv/a, destination: /backup/a }]
              a:
                direction: local
                exclude-from: [rel.txt]
                syncs: [{ source: /srv/a, destination: / }]
            """;

        // Act
        var errors = ConfigErrors.Of(yaml);

        // Assert
        errors.Select(e => (e.Line, e.Key)).Should().Equal(
            (5, "jobs.a"),
            (7, "jobs.a.exclude-from[0]"),
            (8, "jobs.a.syncs[0].destination"));
    }
}
