using Syncwarden.Rsync;

namespace Syncwarden.Tests.Rsync;

public sealed class StatsParserTests
{
    private static StatsParser FeedFixture(string name)
    {
        var parser = new StatsParser();
        foreach (var (text, _) in RsyncFixture.Segments(RsyncFixture.ReadRaw(name)))
        {
            parser.Feed(text);
        }

        return parser;
    }

    [Fact]
    public void Stats_of_first_copy_count_created_files_and_bytes()
    {
        // Act
        var parser = FeedFixture("progress2.txt");

        // Assert
        parser.SawStats.Should().BeTrue();
        parser.Result.Should().Be(new RsyncStats(
            NumberOfFiles: 7,
            RegularFiles: 5,
            Directories: 2,
            CreatedFiles: 6,
            DeletedFiles: 0,
            RegularFilesTransferred: 5,
            TotalFileSize: 30_001_334,
            TotalTransferredFileSize: 30_001_334,
            LiteralData: 30_001_334,
            MatchedData: 0,
            TotalBytesSent: 30_009_032,
            TotalBytesReceived: 122));
    }

    [Fact]
    public void Stats_of_unchanged_rerun_transfer_nothing()
    {
        // Act
        var result = FeedFixture("progress2-nochange.txt").Result;

        // Assert
        result.NumberOfFiles.Should().Be(7);
        result.TotalFileSize.Should().Be(30_001_334);
        result.CreatedFiles.Should().Be(0);
        result.RegularFilesTransferred.Should().Be(0);
        result.TotalTransferredFileSize.Should().Be(0);
        result.LiteralData.Should().Be(0);
    }

    [Fact]
    public void Stats_of_delete_run_count_three_deleted_files()
    {
        // Act
        var result = FeedFixture("progress2-delete.txt").Result;

        // Assert
        result.DeletedFiles.Should().Be(3);
        result.CreatedFiles.Should().Be(0);
        result.RegularFilesTransferred.Should().Be(0);
    }

    [Fact]
    public void Output_without_stats_block_is_not_mistaken_for_stats()
    {
        // Arrange
        var parser = new StatsParser();

        // Act
        foreach (var line in RsyncFixture.ReadLines("itemize.txt").Concat(RsyncFixture.ReadLines("listonly-nonempty.txt")))
        {
            parser.Feed(line);
        }

        parser.Feed("sent 157 bytes  received 13 bytes  340.00 bytes/sec");

        // Assert
        parser.SawStats.Should().BeFalse();
        parser.Result.Should().Be(RsyncStats.Empty);
    }

    [Fact]
    public void Large_counts_with_separators_and_other_file_kinds_parse()
    {
        // Arrange
        var parser = new StatsParser();

        // Act
        parser.Feed("Number of files: 12,141 (reg: 10,287, dir: 1,846, link: 8)");
        parser.Feed("Number of created files: 1 (dir: 1)");
        parser.Feed("Total bytes sent: 1,234,567,890,123");

        // Assert
        parser.SawStats.Should().BeTrue();
        parser.Result.NumberOfFiles.Should().Be(12_141);
        parser.Result.RegularFiles.Should().Be(10_287);
        parser.Result.Directories.Should().Be(1_846);
        parser.Result.CreatedFiles.Should().Be(1);
        parser.Result.TotalBytesSent.Should().Be(1_234_567_890_123);
    }
}
