namespace Syncwarden.IntegrationTests.Infrastructure;

public sealed class TreeComparerTests
{
    [Fact]
    public async Task Identical_builds_compare_equal_and_each_kind_of_change_is_reported()
    {
        // Arrange
        using var temp = new TempDir();
        var a = new TreeBuilder(temp.Combine("a")).Sample().Root;
        var b = new TreeBuilder(temp.Combine("b")).Sample().Root;
        (await TreeComparer.DescribeDifferencesAsync(a, b)).Should().BeEmpty();

        // Act
        File.WriteAllBytes(Path.Combine(b, "docs/a.bin"), TreeBuilder.ContentFor("other", 4096));
        File.Delete(Path.Combine(b, "empty"));
        File.WriteAllText(Path.Combine(b, "extra"), "x");
        File.SetUnixFileMode(Path.Combine(b, "README.txt"), UnixFileMode.UserRead);
        File.Delete(Path.Combine(b, "link-to-a"));
        File.CreateSymbolicLink(Path.Combine(b, "link-to-a"), "elsewhere");
        var differences = await TreeComparer.DescribeDifferencesAsync(a, b);

        // Assert
        differences.Should().BeEquivalentTo(
        [
            $"content differs for docs/a.bin: sha256 {Sha(a, "docs/a.bin")} vs {Sha(b, "docs/a.bin")}",
            $"only in {a}: empty",
            $"only in {b}: extra",
            "mode differs for README.txt: 644 vs 400",
            "symlink target differs for link-to-a: docs/a.bin vs elsewhere",
        ]);
    }

    [Fact]
    public async Task Hostile_tree_sees_raw_byte_names()
    {
        // Arrange
        using var temp = new TempDir();

        // Act
        var hostile = await TreeBuilder.BuildHostileTreeAsync(temp.Combine("h"));
        var snapshot = await TreeComparer.SnapshotAsync(hostile.Root);

        // Assert
        snapshot.Values.Select(e => e.DisplayPath).Should().Contain(
        [
            "f\\xfff", "d\\xfe\\x80d", "d\\xfe\\x80d/f\\xfff", "tab\\there", "new\\nline", "caf\u00e9", "\u65e5\u672c.txt",
            "-rf", "--delete", ";rm -rf x", "star*", "what?", "it's.txt", "say \"hi\".txt",
        ]);
        snapshot.Values.Single(e => e.DisplayPath == "link to it's.txt").Type.Should().Be('l');
        hostile.TriggeredCanaries().Should().BeEmpty();
    }

    private static string Sha(string root, string relative) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(Path.Combine(root, relative))));
}
