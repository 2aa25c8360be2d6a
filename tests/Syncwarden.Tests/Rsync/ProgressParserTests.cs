using Syncwarden.Rsync;

namespace Syncwarden.Tests.Rsync;

public sealed class ProgressParserTests
{
    private const double MiB = 1024d * 1024;

    private static List<RsyncProgress> ParseFixture(string name) =>
        RsyncFixture.Segments(RsyncFixture.ReadRaw(name))
            .Select(s => ProgressParser.TryParse(s.Text, out var p) ? p : null)
            .OfType<RsyncProgress>()
            .ToList();

    [Fact]
    public void Progress2_fixture_ends_at_100_percent_of_the_30_MB_tree()
    {
        // Act
        var updates = ParseFixture("progress2.txt");

        // Assert
        updates.Should().HaveCountGreaterThan(3);
        updates.Select(u => u.BytesTransferred).Should().BeInAscendingOrder();
        var last = updates[^1];
        last.BytesTransferred.Should().Be(30_001_334);
        last.Percent.Should().Be(100);
        last.TransferNumber.Should().Be(5, "src holds five regular files");
        last.ToCheckRemaining.Should().Be(0);
        last.ToCheckTotal.Should().Be(7, "five files, sub/ and the root");
        last.IncrementalScan.Should().BeFalse();
        last.TimeIsElapsed.Should().BeTrue();
        last.BytesPerSecond.Should().BeInRange(5 * MiB, 11 * MiB, "--bwlimit=10000 is 10000 KiB/s");
    }

    [Fact]
    public void Progress2_fixture_counts_every_transferred_file()
    {
        // Act
        var updates = ParseFixture("progress2.txt");

        // Assert
        updates.Where(u => u.TransferNumber.HasValue).Select(u => u.TransferNumber!.Value)
            .Distinct().Should().Equal(1, 2, 3, 4, 5);
        updates.Where(u => !u.TransferNumber.HasValue).Should().NotBeEmpty("ETA-only updates come between files")
            .And.OnlyContain(u => u.ToCheckTotal == null && !u.TimeIsElapsed);
    }

    [Fact]
    public void Progress2_nochange_fixture_reports_zero_bytes_and_zero_transfers()
    {
        // Act
        var updates = ParseFixture("progress2-nochange.txt");

        // Assert
        updates.Should().NotBeEmpty().And.OnlyContain(u => u.BytesTransferred == 0 && u.TransferNumber == 0);
        updates[^1].Should().Be(new RsyncProgress(0, 0, 0, TimeSpan.Zero, 0, 0, 7));
    }

    [Fact]
    public void Progress2_line_gives_percent_rate_and_eta()
    {
        // Act
        var ok = ProgressParser.TryParse("     32,768,000 100%   11.22MB/s    0:00:02 (xfr#3, to-chk=0/5)", out var progress);

        // Assert
        ok.Should().BeTrue();
        progress.BytesTransferred.Should().Be(32_768_000);
        progress.Percent.Should().Be(100);
        progress.BytesPerSecond.Should().BeApproximately(11.22 * MiB, 0.001);
        progress.Eta.Should().Be(TimeSpan.FromSeconds(2));
        progress.TransferNumber.Should().Be(3);
        progress.ToCheckRemaining.Should().Be(0);
        progress.ToCheckTotal.Should().Be(5);
    }

    [Theory]
    [InlineData("0.00kB/s", 0d)]
    [InlineData("512.50kB/s", 512.5 * 1024)]
    [InlineData("9.93MB/s", 9.93 * 1024 * 1024)]
    [InlineData("1.50GB/s", 1.5 * 1024 * 1024 * 1024)]
    public void Rate_units_are_powers_of_1024(string rate, double expectedBytesPerSecond)
    {
        // Act
        ProgressParser.TryParse($"         32,768   1%  {rate}    0:00:00  ", out var progress).Should().BeTrue();

        // Assert
        progress.BytesPerSecond.Should().BeApproximately(expectedBytesPerSecond, 0.001);
    }

    [Fact]
    public void Update_without_counters_has_eta_and_no_transfer_number()
    {
        // Act
        var ok = ProgressParser.TryParse("     10,622,592  35%    9.77MB/s    0:00:01  ", out var progress);

        // Assert
        ok.Should().BeTrue();
        progress.Should().Be(new RsyncProgress(10_622_592, 35, 9.77 * MiB, TimeSpan.FromSeconds(1), null, null, null));
        progress.TimeIsElapsed.Should().BeFalse();
    }

    [Fact]
    public void Unknown_eta_is_null_and_long_hours_are_kept()
    {
        // Act
        ProgressParser.TryParse("  1,234,567,890  12%    1.00kB/s   ??:??:??  ", out var unknown).Should().BeTrue();
        ProgressParser.TryParse("  1,234,567,890  12%    1.00kB/s  123:04:05  ", out var longEta).Should().BeTrue();

        // Assert
        unknown.Eta.Should().BeNull();
        unknown.BytesTransferred.Should().Be(1_234_567_890);
        longEta.Eta.Should().Be(new TimeSpan(123, 4, 5));
    }

    [Fact]
    public void Incremental_recursion_counter_is_flagged()
    {
        // Act
        var ok = ProgressParser.TryParse("      9,846,214  77%   11.96MB/s    0:00:00 (xfr#1317, ir-chk=1014/2680)", out var progress);

        // Assert
        ok.Should().BeTrue();
        progress.IncrementalScan.Should().BeTrue();
        progress.TransferNumber.Should().Be(1317);
        progress.ToCheckRemaining.Should().Be(1014);
        progress.ToCheckTotal.Should().Be(2680);
    }

    [Theory]
    [InlineData("")]
    [InlineData("Number of files: 7 (reg: 5, dir: 2)")]
    [InlineData("sent 3,000,896 bytes  received 54 bytes  6,001,900.00 bytes/sec")]
    [InlineData(">f+++++++++|3|a")]
    [InlineData("     32.77M 100%   11.22MB/s    0:00:02")]
    [InlineData("     32,768 101%   11.22MB/s    0:00:02")]
    [InlineData("     32,768  10%   11.22MiB/s    0:00:02")]
    [InlineData("     32,768  10%   11.22MB/s    0:0:02")]
    [InlineData("     32,768  10%   11.22MB/s    0:00:02 (xfr#1)")]
    public void Non_progress_text_is_rejected(string line)
    {
        ProgressParser.TryParse(line, out _).Should().BeFalse();
    }
}
