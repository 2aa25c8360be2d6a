namespace Syncwarden.IntegrationTests.Infrastructure;

[Collection(SshCollection.Name)]
public sealed class RsyncOverSshTests(SshServerFixture fixture)
{
    private readonly SshServer _server = fixture.Server;

    [Fact]
    public async Task Rsync_push_of_sample_tree_arrives_identical()
    {
        // Arrange
        using var temp = new TempDir();
        var source = new TreeBuilder(temp.Combine("src")).Sample().Root;
        var target = temp.Combine("dst");

        // Act
        var result = await PushAsync(source, target);

        // Assert
        result.ExitCode.Should().Be(0, result.ToString());
        (await TreeComparer.DescribeDifferencesAsync(source, target, compareModificationTimes: true)).Should().BeEmpty();
    }

    [Fact]
    public async Task Rsync_push_of_hostile_names_arrives_identical_without_running_any_name()
    {
        // Arrange
        using var temp = new TempDir();
        var hostile = await TreeBuilder.BuildHostileTreeAsync(temp.Combine("src"));
        var target = temp.Combine("dst");

        // Act
        var result = await PushAsync(hostile.Root, target);

        // Assert
        result.ExitCode.Should().Be(0, result.ToString());
        (await TreeComparer.DescribeDifferencesAsync(hostile.Root, target)).Should().BeEmpty();
        hostile.TriggeredCanaries().Should().BeEmpty();
        var snapshot = await TreeComparer.SnapshotAsync(target);
        snapshot.Values.Select(e => e.DisplayPath).Should().Contain(["f\\xfff", "new\\nline", $"$(touch {hostile.CanaryPaths[0]})"]);
    }

    [Fact]
    public async Task Comparer_reports_a_changed_file_in_the_hostile_tree()
    {
        // Arrange
        using var temp = new TempDir();
        var hostile = await TreeBuilder.BuildHostileTreeAsync(temp.Combine("src"));
        var target = temp.Combine("dst");
        (await PushAsync(hostile.Root, target)).ExitCode.Should().Be(0);

        // Act
        await File.AppendAllTextAsync(Path.Combine(target, "new\nline"), "changed");
        await TreeBuilder.CreateRawAsync(target, TreeBuilder.NonUtf8FileName, isDirectory: false, "other content");
        var differences = await TreeComparer.DescribeDifferencesAsync(hostile.Root, target);

        // Assert
        differences.Should().HaveCount(2);
        differences.Should().Contain(d => d.StartsWith("content differs for new\\nline", StringComparison.Ordinal));
        differences.Should().Contain(d => d.StartsWith("content differs for f\\xfff", StringComparison.Ordinal));
    }

    private Task<ProcessResult> PushAsync(string source, string target) =>
        TestProcess.RunAsync("rsync", ["-a", "-s", "-e", _server.RsyncRemoteShell, "--", source + "/", _server.RemotePath(target)],
            TimeSpan.FromMinutes(2));
}
