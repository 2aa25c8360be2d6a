using Syncwarden.Configuration;
using Syncwarden.Snapshots;

namespace Syncwarden.Tests.Snapshots;

/// <summary>
/// Grandfather-father-son selection on simulated calendars. The expected sets are worked out by hand from the
/// calendar (2026-12-01 is a Tuesday of ISO week 49), not computed with the code under test.
/// </summary>
public sealed class RetentionTests
{
    private static readonly DateTimeOffset s_newest = new(2026, 12, 1, 23, 0, 0, TimeSpan.Zero);

    private static IEnumerable<string> Hourly(DateTimeOffset newest, int hours) =>
        Enumerable.Range(0, hours).Select(h => SnapshotName.For(newest.AddHours(-h)));

    private static string At(int year, int month, int day, int hour = 23) =>
        SnapshotName.For(new DateTimeOffset(year, month, day, hour, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Gfs_over_400_days_of_hourly_snapshots_keeps_exactly_the_expected_set()
    {
        // Arrange: one snapshot an hour from 2025-10-28 00:00 to 2026-12-01 23:00 UTC.
        var names = Hourly(s_newest, 400 * 24).ToList();
        var policy = new RetentionPolicy { Last = 3, Hourly = 24, Daily = 7, Weekly = 4, Monthly = 12, Yearly = 3 };

        // Act
        var decisions = Retention.Decide(names, policy, TimeZoneInfo.Utc);

        // Assert
        var expected = new List<string>();
        expected.AddRange(Enumerable.Range(0, 24).Select(h => At(2026, 12, 1, h)));     // hourly 24 (holds last 3)
        expected.AddRange(Enumerable.Range(25, 6).Select(d => At(2026, 11, d)));          // daily: Nov 25-30 at 23:00
        expected.AddRange([At(2026, 11, 22), At(2026, 11, 15)]);                          // weekly: Sundays of weeks 47 and 46 (48's is Nov 29)
        expected.AddRange([At(2026, 10, 31), At(2026, 9, 30), At(2026, 8, 31), At(2026, 7, 31), At(2026, 6, 30),
            At(2026, 5, 31), At(2026, 4, 30), At(2026, 3, 31), At(2026, 2, 28), At(2026, 1, 31)]); // monthly (Nov: the 30th)
        expected.Add(At(2025, 12, 31));                                                    // yearly: only 2026 and 2025 have snapshots
        decisions.Should().HaveCount(9600);
        decisions.Where(d => d.Keep).Select(d => d.Name).Should().BeEquivalentTo(expected);
        decisions.Select(d => d.Name).Should().BeInDescendingOrder(StringComparer.Ordinal);
    }

    [Fact]
    public void Each_rule_gives_its_reasons_and_the_newest_is_always_kept()
    {
        var names = Hourly(s_newest, 400 * 24).ToList();
        var policy = new RetentionPolicy { Last = 3, Hourly = 24, Daily = 7, Weekly = 4, Monthly = 12, Yearly = 3 };

        var byName = Retention.Decide(names, policy, TimeZoneInfo.Utc).ToDictionary(d => d.Name);

        byName[At(2026, 12, 1)].Reasons.Should().Equal("newest", "last 1/3", "hourly 1/24", "daily 1/7", "weekly 1/4", "monthly 1/12", "yearly 1/3");
        byName[At(2026, 11, 29)].Reasons.Should().Equal("daily 3/7", "weekly 2/4");
        byName[At(2025, 12, 31)].Reasons.Should().Equal("yearly 2/3");
        byName[At(2025, 12, 30)].Keep.Should().BeFalse();
        byName[At(2025, 12, 30)].Reasons.Should().BeEmpty();
    }

    [Fact]
    public void Periods_without_snapshots_do_not_count()
    {
        // Arrange: a job that ran on three days a week apart.
        string[] names = [At(2026, 11, 1, 2), At(2026, 11, 8, 2), At(2026, 11, 8, 1), At(2026, 11, 15, 2)];

        // Act
        var kept = Retention.Decide(names, new RetentionPolicy { Daily = 3 }, TimeZoneInfo.Utc).Where(d => d.Keep).Select(d => d.Name);

        // Assert: the newest of each of the three days, however far apart.
        kept.Should().BeEquivalentTo([At(2026, 11, 1, 2), At(2026, 11, 8, 2), At(2026, 11, 15, 2)]);
    }

    [Fact]
    public void Days_follow_the_daemons_time_zone()
    {
        // Arrange: 22:30 and 23:30 UTC on Nov 30 are Nov 30 and Dec 1 in UTC+1.
        var zone = TimeZoneInfo.CreateCustomTimeZone("plus1", TimeSpan.FromHours(1), "plus1", "plus1");
        var early = SnapshotName.For(new DateTimeOffset(2026, 11, 30, 22, 30, 0, TimeSpan.Zero));
        var late = SnapshotName.For(new DateTimeOffset(2026, 11, 30, 23, 30, 0, TimeSpan.Zero));

        // Act
        var utc = Retention.Decide([early, late], new RetentionPolicy { Daily = 2 }, TimeZoneInfo.Utc);
        var plus1 = Retention.Decide([early, late], new RetentionPolicy { Daily = 2 }, zone);

        // Assert
        utc.Single(d => d.Name == early).Keep.Should().BeFalse("both are Nov 30 in UTC");
        plus1.Single(d => d.Name == early).Keep.Should().BeTrue("they are two days in UTC+1");
    }

    [Fact]
    public void Without_keep_rules_everything_is_kept_and_foreign_names_are_ignored()
    {
        string[] names = [At(2026, 1, 1), At(2025, 1, 1), "latest", ".syncwarden-incomplete", "2026-01-01", "notes"];

        var decisions = Retention.Decide(names, new RetentionPolicy(), TimeZoneInfo.Utc);

        decisions.Select(d => d.Name).Should().Equal(At(2026, 1, 1), At(2025, 1, 1));
        decisions.Should().OnlyContain(d => d.Keep);
    }

    [Fact]
    public void The_snapshot_latest_names_is_kept_even_when_a_newer_one_exists()
    {
        string[] names = [At(2026, 1, 1), At(2026, 1, 2), At(2026, 1, 3)];

        var decisions = Retention.Decide(names, new RetentionPolicy { Last = 1 }, TimeZoneInfo.Utc, latest: At(2026, 1, 1));

        decisions.Where(d => d.Keep).Select(d => d.Name).Should().BeEquivalentTo([At(2026, 1, 3), At(2026, 1, 1)]);
        decisions.Single(d => d.Name == At(2026, 1, 1)).Reasons.Should().Equal("latest");
    }

    [Theory]
    [InlineData("2026-12-01T010203Z", true)]
    [InlineData("2026-12-01T01:02:03Z", false)]
    [InlineData("2026-13-01T010203Z", false)]
    [InlineData("latest", false)]
    [InlineData(".syncwarden-incomplete", false)]
    [InlineData("../2026-12-01T010203Z", false)]
    public void Only_names_of_the_snapshot_form_are_snapshots(string name, bool expected) =>
        SnapshotName.IsSnapshot(name).Should().Be(expected);

    [Fact]
    public void A_name_taken_in_the_same_second_moves_on_a_second()
    {
        var at = new DateTimeOffset(2026, 12, 1, 1, 2, 3, 500, TimeSpan.Zero);

        var name = SnapshotName.Unique(at, new HashSet<string> { "2026-12-01T010203Z" });

        name.Should().Be("2026-12-01T010204Z");
    }
}
