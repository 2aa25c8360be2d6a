using Syncwarden.Rsync;

namespace Syncwarden.Tests.Rsync;

public sealed class RsyncLineSplitterTests
{
    [Fact]
    public void Progress2_fixture_splits_into_carriage_return_updates_then_stats_lines()
    {
        // Arrange
        var raw = RsyncFixture.ReadRaw("progress2.txt");

        // Act
        var segments = RsyncFixture.Segments(raw);

        // Assert
        var progress = segments.TakeWhile(s => s.Text.Length > 0).ToList();
        progress.Should().HaveCountGreaterThan(3, "--bwlimit makes rsync print several updates");
        progress.Should().OnlyContain(s => s.Text.Contains('%'));
        progress.SkipLast(1).Should().OnlyContain(s => s.EndedWithCarriageReturn);
        progress[^1].EndedWithCarriageReturn.Should().BeFalse("the final update is ended by a newline");
        segments[progress.Count].Should().Be((string.Empty, false), "a blank line precedes the --stats block");
        segments[progress.Count + 1].Text.Should().Be("Number of files: 7 (reg: 5, dir: 2)");
        segments[^1].Should().Be(("total size is 30,001,334  speedup is 1.00", false));
    }

    [Fact]
    public void Segments_are_the_same_whatever_the_chunk_boundaries()
    {
        // Arrange
        var raw = RsyncFixture.ReadRaw("progress2.txt");
        var expected = RsyncFixture.Segments(raw);
        var actual = new List<(string, bool)>();
        var splitter = new RsyncLineSplitter((text, cr) => actual.Add((text, cr)));

        // Act: feed in 1..7 character pieces
        for (int i = 0, size = 1; i < raw.Length; i += size, size = (size % 7) + 1)
        {
            splitter.Feed(raw.AsSpan(i, Math.Min(size, raw.Length - i)));
        }

        splitter.Flush();

        // Assert
        actual.Should().Equal(expected);
    }

    [Fact]
    public void Leading_carriage_returns_give_no_empty_segments_but_blank_lines_are_kept()
    {
        // Arrange
        var segments = new List<(string, bool)>();
        var splitter = new RsyncLineSplitter((text, cr) => segments.Add((text, cr)));

        // Act
        splitter.Feed("\r  a\r  b (xfr#1, to-chk=0/1)\n\nNumber of files: 1\r\npartial");
        splitter.Flush();

        // Assert
        segments.Should().Equal(
            ("  a", true),
            ("  b (xfr#1, to-chk=0/1)", false),
            (string.Empty, false),
            ("Number of files: 1", true),
            ("partial", false));
    }

    [Fact]
    public void Flush_without_pending_text_emits_nothing()
    {
        // Arrange
        var segments = new List<(string, bool)>();
        var splitter = new RsyncLineSplitter((text, cr) => segments.Add((text, cr)));

        // Act
        splitter.Feed("line\n");
        splitter.Flush();
        splitter.Flush();

        // Assert
        segments.Should().Equal(("line", false));
    }

    [Fact]
    public void Overlong_segment_is_cut_at_the_maximum_length()
    {
        // Arrange
        var segments = new List<string>();
        var splitter = new RsyncLineSplitter((text, _) => segments.Add(text));

        // Act
        splitter.Feed(new string('x', RsyncLineSplitter.MaxSegmentLength + 10));
        splitter.Feed("\n");

        // Assert
        segments.Select(s => s.Length).Should().Equal(RsyncLineSplitter.MaxSegmentLength, 10);
    }

    [Fact]
    public void Segments_that_lie_in_one_chunk_are_handed_on_without_allocating()
    {
        // Arrange: a chunk as the runner reads it, an update and a name per file.
        var chunk = string.Concat(Enumerable.Range(0, 200).Select(i => $"\r      {i},000  50%    1.00MB/s    0:00:01 (xfr#{i}, to-chk=1/2)\n>f+++++++++ d/f{i}.bin\n"));
        var lines = 0;
        var splitter = new RsyncLineSplitter((ReadOnlySpan<char> text, bool _) => lines += text.Length > 0 ? 1 : 0);
        splitter.Feed(chunk);

        // Act
        var before = GC.GetAllocatedBytesForCurrentThread();
        splitter.Feed(chunk);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        // Assert
        lines.Should().Be(800);
        allocated.Should().Be(0);
    }
}
