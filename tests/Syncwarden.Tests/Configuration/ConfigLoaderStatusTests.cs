using Syncwarden.Configuration;

namespace Syncwarden.Tests.Configuration;

public sealed class ConfigLoaderStatusTests
{
    [Fact]
    public void Status_file_and_stale_after_bind()
    {
        // Arrange
        const string yaml = """
            state-dir: /var/lib/sw
            status-file: { path: /run/syncwarden/status.json, every: 30s }
            jobs:
              j:
                schedule: "0 1 * * *"
                stale-after: 2d
                syncs: [ { source: /srv/a, destination: /backup/a } ]
            """;

        // Act
        var result = ConfigLoader.Parse(yaml, ConfigErrors.File);

        // Assert
        result.Errors.Should().BeEmpty();
        result.Config!.StatusFile.Should().Be(new StatusFileSettings { Path = "/run/syncwarden/status.json", Every = TimeSpan.FromSeconds(30) });
        result.Config.StatusFilePath.Should().Be("/run/syncwarden/status.json");
        result.Config.Jobs[0].StaleAfter.Should().Be(TimeSpan.FromDays(2));
    }

    [Fact]
    public void Without_settings_the_status_file_is_in_the_state_dir_every_10_seconds_and_staleness_is_derived()
    {
        var config = ConfigLoader.Parse("state-dir: /var/lib/sw\njobs: { j: { syncs: [ { source: /a, destination: /b } ] } }\n", ConfigErrors.File).Config!;

        config.StatusFilePath.Should().Be("/var/lib/sw/status.json");
        config.StatusFile.Every.Should().Be(TimeSpan.FromSeconds(10));
        config.Jobs[0].StaleAfter.Should().BeNull();
    }

    [Fact]
    public void A_bad_stale_after_is_named_with_line_key_and_hint()
    {
        var error = ConfigErrors.Single("""
            jobs:
              j:
                syncs: [ { source: /a, destination: /b } ]
                stale-after: soon
            """);

        error.ShouldBeAt(4, 18, "jobs.j.stale-after");
    }

    [Fact]
    public void A_relative_status_file_path_and_a_too_short_interval_are_refused()
    {
        var errors = ConfigErrors.Of("status-file: { path: status.json, every: 100ms }\n");

        errors.Should().HaveCount(2);
        errors[0].ShouldBeAt(1, 22, "status-file.path");
        errors[1].ShouldBeAt(1, 42, "status-file.every");
        errors[1].Message.Should().Contain("at least 1s");
    }

    [Fact]
    public void An_unknown_status_file_key_suggests_the_known_ones()
    {
        var error = ConfigErrors.Single("status-file: { path: /run/s.json, evry: 5s }\n");

        error.Key.Should().Be("status-file.evry");
        error.Hint.Should().Contain("every");
    }
}
