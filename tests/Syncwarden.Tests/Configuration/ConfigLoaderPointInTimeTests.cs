using Syncwarden.Configuration;
using Syncwarden.Scheduling;
using Syncwarden.Verification;

namespace Syncwarden.Tests.Configuration;

public sealed class ConfigLoaderPointInTimeTests
{
    private static JobConfig Job(string body) =>
        ConfigLoader.Parse($"jobs:\n  j:\n    syncs: [{{ source: /srv/data, destination: /backup/data }}]\n{body}", ConfigErrors.File) is { Config: { } config }
            ? config.Jobs[0]
            : throw new InvalidOperationException(string.Join("; ", ConfigErrors.Of(body)));

    [Fact]
    public void Source_snapshot_binds_the_short_and_the_long_form()
    {
        Job("    source-snapshot: btrfs\n").SourceSnapshot.Should().Be(new SourceSnapshotSettings());
        Job("    source-snapshot: { method: btrfs, directory: /srv/.snaps/ }\n").SourceSnapshot.Should().Be(new SourceSnapshotSettings { Directory = "/srv/.snaps" });
        Job("").SourceSnapshot.Should().BeNull();
    }

    [Fact]
    public void Verify_binds_an_interval_an_anchored_every_and_a_sample()
    {
        var weekly = Job("    verify: { every: 1w, sample: 5% }\n").Verify!;
        var anchored = Job("    verify: { every: { days: 7, at: \"03:00\" } }\n").Verify!;

        weekly.SamplePercent.Should().Be(5);
        weekly.Schedule.Should().BeOfType<EverySchedule>().Which.Interval.Should().Be(TimeSpan.FromDays(7));
        anchored.SamplePercent.Should().Be(100);
        anchored.Schedule!.Describe().Should().Be("every 1w at 03:00");
        Job("    verify: { sample: 0.5 }\n").Verify!.Schedule.Should().BeNull("without every: only on demand");
    }

    [Theory]
    [InlineData("    source-snapshot: zfs\n", 4, 22, "jobs.j.source-snapshot", "btrfs")]
    [InlineData("    source-snapshot: { directory: snaps }\n", 4, 35, "jobs.j.source-snapshot.directory", "absolute")]
    [InlineData("    verify: { sample: 150% }\n", 4, 23, "jobs.j.verify.sample", "at most 100%")]
    [InlineData("    verify: { every: never }\n", 4, 22, "jobs.j.verify.every", "duration")]
    [InlineData("    verify: { often: 1d }\n", 4, 15, "jobs.j.verify.often", "unknown key")]
    public void Mistakes_name_the_line_and_key(string body, int line, int column, string key, string words)
    {
        var error = ConfigErrors.Single($"jobs:\n  j:\n    syncs: [{{ source: /srv/data, destination: /backup/data }}]\n{body}");

        error.ShouldBeAt(line, column, key);
        error.Message.Should().Contain(words);
    }

    [Theory]
    [InlineData("5%", 5)]
    [InlineData("0.5", 0.5)]
    [InlineData("100", 100)]
    public void Sample_percent_reads_with_or_without_the_sign(string text, double expected)
    {
        VerifySample.TryParsePercent(text, out var percent).Should().BeTrue();
        percent.Should().Be(expected);
    }

    [Fact]
    public void A_sample_is_rounded_up_sorted_and_the_same_for_the_same_seed()
    {
        var files = Enumerable.Range(0, 95).Select(i => $"f{i:D2}").ToList();

        var first = VerifySample.Pick(files, 10, new Random(3));
        var again = VerifySample.Pick(files, 10, new Random(3));

        first.Should().HaveCount(10).And.OnlyHaveUniqueItems().And.BeInAscendingOrder(StringComparer.Ordinal);
        again.Should().Equal(first);
        VerifySample.Pick(files, 100, new Random(1)).Should().Equal(files);
        VerifySample.SizeOf(3, 1).Should().Be(1, "at least one file");
    }
}
