using Syncwarden.Rsync;

namespace Syncwarden.Tests.Rsync;

public sealed class RsyncProgressTests
{
    private static RsyncProgress At(int percent, long bytes, long? remaining, long? total, TimeSpan elapsed, bool incremental = false) =>
        new(bytes, percent, 1024, TimeSpan.FromSeconds(99), null, remaining, total) { Elapsed = elapsed, IncrementalScan = incremental };

    [Fact]
    public void A_run_that_changes_little_advances_with_the_files_checked()
    {
        // rsync's own percentage is of every file's size: a 1% change stays at 0% while 3/4 of the files are checked.
        var p = At(percent: 0, bytes: 4096, remaining: 5000, total: 20000, elapsed: TimeSpan.FromSeconds(30));

        p.OverallPercent.Should().Be(75);
        p.EstimatedEta.Should().Be(TimeSpan.FromSeconds(10));
        p.TotalGrowing.Should().BeFalse();
        p.BytesTotal.Should().BeNull("rsync's percentage is too low to estimate the size from");
    }

    [Fact]
    public void An_initial_copy_advances_with_its_bytes_and_estimates_the_total_size()
    {
        var p = At(percent: 40, bytes: 400_000_000, remaining: 15000, total: 20000, elapsed: TimeSpan.FromSeconds(20));

        p.OverallPercent.Should().Be(40);
        p.EstimatedEta.Should().Be(TimeSpan.FromSeconds(30));
        p.BytesTotal.Should().BeInRange(975_000_000, 1_000_000_000, "40% is anywhere from 400 MB of 1000 MB to 400 MB of 975.6 MB");
    }

    [Fact]
    public void While_the_list_grows_there_is_no_eta_and_no_total()
    {
        var p = At(percent: 63, bytes: 296_000_000, remaining: 1009, total: 3201, elapsed: TimeSpan.FromSeconds(2), incremental: true);

        p.TotalGrowing.Should().BeTrue();
        p.OverallPercent.Should().Be(63, "only rsync's own figure");
        p.EstimatedEta.Should().BeNull();
        p.BytesTotal.Should().BeNull();
    }

    [Fact]
    public void In_the_first_second_rsyncs_own_estimate_is_used()
    {
        var p = At(percent: 1, bytes: 10, remaining: 10, total: 20, elapsed: TimeSpan.FromMilliseconds(500));

        p.EstimatedEta.Should().Be(TimeSpan.FromSeconds(99));
    }
}
