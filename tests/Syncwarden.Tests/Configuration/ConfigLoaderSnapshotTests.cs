using Syncwarden.Configuration;

namespace Syncwarden.Tests.Configuration;

public sealed class ConfigLoaderSnapshotTests
{
    [Fact]
    public void Snapshots_with_method_and_keep_rules_bind()
    {
        // Arrange
        const string yaml = """
            jobs:
              j:
                snapshots: { method: link-dest, keep: { last: 2, hourly: 24, daily: 7, weekly: 4, monthly: 12, yearly: 3 } }
                syncs: [ { source: /srv/a, destination: /backup/a } ]
            """;

        // Act
        var result = ConfigLoader.Parse(yaml, ConfigErrors.File);

        // Assert
        result.Errors.Should().BeEmpty();
        result.Config!.Jobs[0].Snapshots.Should().Be(new SnapshotSettings
        {
            Method = SnapshotMethod.LinkDest,
            Keep = new RetentionPolicy { Last = 2, Hourly = 24, Daily = 7, Weekly = 4, Monthly = 12, Yearly = 3 },
        });
        result.Config.Jobs[0].Snapshots.Keep.ToString().Should().Be("last 2, hourly 24, daily 7, weekly 4, monthly 12, yearly 3");
    }

    [Fact]
    public void Without_snapshots_a_job_keeps_none_and_btrfs_without_keep_keeps_everything()
    {
        var config = ConfigLoader.Parse("""
            jobs:
              plain: { syncs: [ { source: /a, destination: /b } ] }
              sub: { snapshots: { method: btrfs }, syncs: [ { source: /a, destination: /c } ] }
            """, ConfigErrors.File).Config!;

        config.Jobs[0].Snapshots.Enabled.Should().BeFalse();
        config.Jobs[1].Snapshots.Method.Should().Be(SnapshotMethod.Btrfs);
        config.Jobs[1].Snapshots.Keep.KeepsEverything.Should().BeTrue();
    }

    [Fact]
    public void A_misspelt_method_is_named_with_a_suggestion()
    {
        var error = ConfigErrors.Single("""
            jobs:
              j:
                syncs: [ { source: /a, destination: /b } ]
                snapshots: { method: linkdest }
            """);

        error.ShouldBeAt(4, 26, "jobs.j.snapshots.method");
        error.Hint.Should().Contain("link-dest");
    }

    [Fact]
    public void A_missing_method_and_a_negative_count_are_both_reported()
    {
        var errors = ConfigErrors.Of("""
            jobs:
              j:
                syncs: [ { source: /a, destination: /b } ]
                snapshots: { keep: { daily: -1, fortnightly: 2 } }
            """);

        errors.Select(e => e.Key).Should().BeEquivalentTo("jobs.j.snapshots.method", "jobs.j.snapshots.keep.daily", "jobs.j.snapshots.keep.fortnightly");
    }

    [Fact]
    public void Link_dest_refuses_rsync_options_that_link_or_compare_on_their_own()
    {
        var error = ConfigErrors.Single("""
            jobs:
              j:
                options: [ --link-dest=/old ]
                syncs: [ { source: /a, destination: /b } ]
                snapshots: { method: link-dest }
            """);

        error.Key.Should().Be("jobs.j.snapshots.method");
        error.Message.Should().Contain("--link-dest=/old");
    }
}
