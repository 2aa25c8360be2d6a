using Syncwarden.IntegrationTests.Infrastructure;

namespace Syncwarden.IntegrationTests.Engine.Ssh;

/// <summary>A symlink planted in the destination must be replaced, never followed out of the destination root.</summary>
[Collection(SshCollection.Name)]
public sealed class DestinationSafetyTests(SshServerFixture fixture)
{
    private readonly SshServer _server = fixture.Server;

    [Theory]
    [InlineData("local", false)]
    [InlineData("local", true)]
    [InlineData("push", false)]
    [InlineData("push", true)]
    [InlineData("pull", true)]
    public async Task Symlink_in_destination_pointing_outside_is_replaced_not_followed(string direction, bool delete)
    {
        // Arrange
        using var dir = new TempDir("dest-symlink");
        var source = new TreeBuilder(dir.CreateSubdirectory("src", "work"))
            .File("docs/a.txt", 500)
            .File("docs/sub/b.txt", 700)
            .File("top.txt", 10)
            .Root;
        var outside = new TreeBuilder(dir.CreateSubdirectory("outside"), seed: 99)
            .File("a.txt", 123)
            .File("precious.txt", 456)
            .File("sub/keep.bin", 789)
            .Root;
        var before = await TreeComparer.SnapshotAsync(outside);
        var destination = dir.CreateSubdirectory("dst");
        new TreeBuilder(Path.Combine(destination, "work")).Symlink("docs", outside);
        var config = new TestConfig(dir).Pair("job", direction, source, destination, delete ? "options: [--delete]" : "", _server);

        // Act
        var run = await config.RunCliAsync("run", "job", "--json");

        // Assert
        await SucceededLeavingOutsideAloneAsync(run, outside, before);
        var docs = new DirectoryInfo(Path.Combine(destination, "work", "docs"));
        docs.LinkTarget.Should().BeNull("the planted symlink is replaced by a real directory");
        docs.Exists.Should().BeTrue();
        (await TreeComparer.DescribeDifferencesAsync(source, Path.Combine(destination, "work"))).Should().BeEmpty();
    }

    [Theory]
    [InlineData("local")]
    [InlineData("push")]
    public async Task Symlink_at_the_sync_target_pointing_outside_is_replaced_not_followed(string direction)
    {
        // Arrange: the whole "work" directory the sync lands in is a link out of the destination.
        using var dir = new TempDir("dest-symlink-top");
        var source = new TreeBuilder(dir.CreateSubdirectory("src", "work")).File("a.txt", 500).File("docs/b.txt", 10).Root;
        var outside = new TreeBuilder(dir.CreateSubdirectory("outside"), seed: 99).File("a.txt", 123).File("precious.txt", 456).Root;
        var before = await TreeComparer.SnapshotAsync(outside);
        var destination = dir.CreateSubdirectory("dst");
        File.CreateSymbolicLink(Path.Combine(destination, "work"), outside);
        var config = new TestConfig(dir).Pair("job", direction, source, destination, "options: [--delete]", _server);

        // Act
        var run = await config.RunCliAsync("run", "job", "--json");

        // Assert
        await SucceededLeavingOutsideAloneAsync(run, outside, before);
        new DirectoryInfo(Path.Combine(destination, "work")).LinkTarget.Should().BeNull();
        (await TreeComparer.DescribeDifferencesAsync(source, Path.Combine(destination, "work"))).Should().BeEmpty();
    }

    /// <summary>The run succeeded and left every entry outside the destination (type, mode, content, mtime) as it was.</summary>
    private static async Task SucceededLeavingOutsideAloneAsync(ProcessResult run, string outside, IReadOnlyDictionary<string, TreeEntry> before)
    {
        run.ExitCode.Should().Be(0, run.ToString());
        var after = await TreeComparer.SnapshotAsync(outside);
        after.Values.Select(Describe).Should().BeEquivalentTo(before.Values.Select(Describe), "nothing outside the destination may change");
    }

    private static string Describe(TreeEntry e) => $"{e.DisplayPath} {e.Type} {e.Mode} {e.Sha256} {e.ModificationTimeSeconds}";
}
