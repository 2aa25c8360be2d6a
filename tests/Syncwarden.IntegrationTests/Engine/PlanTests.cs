using System.Text.Json;
using Syncwarden.IntegrationTests.Infrastructure;

namespace Syncwarden.IntegrationTests.Engine;

public sealed class PlanTests
{
    [Fact]
    public async Task Plan_lists_creates_updates_and_deletes_and_changes_nothing()
    {
        // Arrange: a replica that differs from the source in every way.
        using var dir = new TempDir("plan");
        var source = dir.CreateSubdirectory("src");
        new TreeBuilder(source).File("same.txt", 100).File("changed.txt", 3000).File("new/one.bin", 5000).File("new/two.bin", 7000);
        var replica = dir.CreateSubdirectory("replica");
        new TreeBuilder(Path.Combine(replica, "src")).File("same.txt", 100).File("changed.txt", 10).File("stale.txt", 50).File("old/x.txt", 5);
        File.SetLastWriteTimeUtc(Path.Combine(replica, "src", "same.txt"), File.GetLastWriteTimeUtc(Path.Combine(source, "same.txt")));
        var config = new TestConfig(dir).Job("mirror", $$"""
            direction: local
            syncs:
              - { source: {{TestConfig.Q(source)}}, destination: {{TestConfig.Q(replica)}}, options: [--delete] }
            """);
        var sourceBefore = await TreeComparer.SnapshotAsync(source);
        var replicaBefore = await TreeComparer.SnapshotAsync(replica);

        // Act
        var plan = await config.RunCliAsync("plan", "mirror", "--json");

        // Assert
        plan.ExitCode.Should().Be(0, plan.StandardError);
        var sync = JsonDocument.Parse(plan.StandardOutput).RootElement.GetProperty("syncs")[0];
        sync.GetProperty("createCount").GetInt64().Should().Be(3, "new/, new/one.bin and new/two.bin");
        sync.GetProperty("createBytes").GetInt64().Should().Be(12_000);
        sync.GetProperty("updateCount").GetInt64().Should().Be(1);
        sync.GetProperty("updateBytes").GetInt64().Should().Be(3000);
        sync.GetProperty("deleteCount").GetInt64().Should().Be(3, "stale.txt, old/x.txt and old/");
        var items = sync.GetProperty("items").EnumerateArray().Select(i => (i.GetProperty("kind").GetString(), i.GetProperty("path").GetString())).ToList();
        items.Should().Contain([("create", "src/new/one.bin"), ("update", "src/changed.txt"), ("delete", "src/stale.txt"), ("delete", "src/old/")]);

        (await TreeComparer.SnapshotAsync(source)).Should().BeEquivalentTo(sourceBefore);
        (await TreeComparer.SnapshotAsync(replica)).Should().BeEquivalentTo(replicaBefore, "plan changes nothing");
    }

    [Fact]
    public async Task Plan_lists_only_the_first_paths_unless_all_is_given()
    {
        using var dir = new TempDir("plan");
        var source = dir.CreateSubdirectory("src");
        var builder = new TreeBuilder(source);
        for (var i = 0; i < 30; i++)
        {
            builder.File($"f{i:00}.txt", 10);
        }
        var config = new TestConfig(dir).Job("j", $$"""
            direction: local
            syncs:
              - { source: {{TestConfig.Q(source + "/")}}, destination: {{TestConfig.Q(dir.Combine("dst"))}} }
            """);

        var limited = await config.RunCliAsync("plan", "j");
        var all = await config.RunCliAsync("plan", "j", "--all");

        limited.ExitCode.Should().Be(0, limited.StandardError);
        limited.StandardOutput.Should().Contain("create 31").And.Contain("use --all");
        limited.StandardOutput.Split('\n').Count(l => l.TrimStart().StartsWith("create  ", StringComparison.Ordinal)).Should().Be(10);
        all.StandardOutput.Split('\n').Count(l => l.TrimStart().StartsWith("create  ", StringComparison.Ordinal)).Should().Be(31);
        Directory.Exists(dir.Combine("dst")).Should().BeFalse("plan creates nothing, not even the destination");
    }
}
