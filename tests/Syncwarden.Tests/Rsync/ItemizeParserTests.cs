using Syncwarden.Rsync;

namespace Syncwarden.Tests.Rsync;

public sealed class ItemizeParserTests
{
    private static List<ItemizedChange> ParseFixture()
    {
        var lines = RsyncFixture.ReadLines("itemize.txt");
        var changes = lines.Select(l => ItemizeParser.TryParse(l, out var c) ? c : null).ToList();
        changes.Should().NotContainNulls("every line of the dry run is an itemized change");
        return changes!;
    }

    [Fact]
    public void Dry_run_fixture_lists_creates_update_attributes_and_deletes()
    {
        // Act
        var changes = ParseFixture();

        // Assert
        changes.Should().Equal(
            [
                new ItemizedChange(ChangeKind.Update, "changed.txt", 300, false, ">f.st......"),
                new ItemizedChange(ChangeKind.Create, "line\nbreak.txt", 5, false, ">f+++++++++"),
                new ItemizedChange(ChangeKind.Create, "new1.txt", 111, false, ">f+++++++++"),
                new ItemizedChange(ChangeKind.Attributes, "perm.txt", 40, false, ".f...p....."),
                new ItemizedChange(ChangeKind.Create, "pipe|name.txt", 7, false, ">f+++++++++"),
                new ItemizedChange(ChangeKind.Create, "newdir", 4096, true, "cd+++++++++"),
                new ItemizedChange(ChangeKind.Create, "newdir/inner.txt", 222, false, ">f+++++++++"),
                new ItemizedChange(ChangeKind.Delete, "olddir/x.txt", 0, false, "*deleting  "),
                new ItemizedChange(ChangeKind.Delete, "olddir", 0, true, "*deleting  "),
                new ItemizedChange(ChangeKind.Delete, "gone2.txt", 0, false, "*deleting  "),
                new ItemizedChange(ChangeKind.Delete, "gone1.txt", 0, false, "*deleting  "),
            ]);
    }

    [Fact]
    public void Dry_run_fixture_counts_match_the_trees()
    {
        // Act
        var byKind = ParseFixture().GroupBy(c => c.Kind).ToDictionary(g => g.Key, g => g.Count());

        // Assert
        byKind.Should().BeEquivalentTo(new Dictionary<ChangeKind, int>
        {
            [ChangeKind.Create] = 5,
            [ChangeKind.Update] = 1,
            [ChangeKind.Attributes] = 1,
            [ChangeKind.Delete] = 4,
        });
    }

    [Fact]
    public void Path_with_separators_splits_only_on_the_first_two()
    {
        // Act
        var ok = ItemizeParser.TryParse(">f.st......|1,234|a|b||c.txt", out var change);

        // Assert
        ok.Should().BeTrue();
        change.Path.Should().Be("a|b||c.txt");
        change.Size.Should().Be(1234);
        change.Kind.Should().Be(ChangeKind.Update);
    }

    [Theory]
    [InlineData(@"line\#012break.txt", "line\nbreak.txt")]
    [InlineData(@"caf\#303\#251.txt", "café.txt")]
    [InlineData(@"back\#134#123", @"back\#123")]
    [InlineData(@"dir/tab	x", "dir/tab\tx")]
    public void Escaped_names_are_decoded(string printed, string expected)
    {
        // Act
        ItemizeParser.TryParse($">f+++++++++|2|{printed}", out var change).Should().BeTrue();

        // Assert
        change.Path.Should().Be(expected);
    }

    [Theory]
    [InlineData("<f.st......|10|up.txt", ChangeKind.Update)]
    [InlineData("cL.......x.|0|link", ChangeKind.Update)]
    [InlineData("hf+++++++++|0|hard", ChangeKind.Create)]
    [InlineData(".d..t......|4096|dir/", ChangeKind.Attributes)]
    [InlineData(".f....og...|5|owned", ChangeKind.Attributes)]
    public void Update_type_decides_the_kind(string line, ChangeKind expected)
    {
        ItemizeParser.TryParse(line, out var change).Should().BeTrue();
        change.Kind.Should().Be(expected);
    }

    [Theory]
    [InlineData("")]
    [InlineData(".f         |5|unchanged.txt")]
    [InlineData("Number of files: 7 (reg: 5, dir: 2)")]
    [InlineData("     32,768 100%   11.22MB/s    0:00:02 (xfr#3, to-chk=0/5)")]
    [InlineData(">f+++++++++|big|name")]
    [InlineData(">f+++++++++|5|")]
    [InlineData(">x+++++++++|5|name")]
    public void Lines_that_are_not_changes_are_rejected(string line)
    {
        ItemizeParser.TryParse(line, out _).Should().BeFalse();
    }
}
