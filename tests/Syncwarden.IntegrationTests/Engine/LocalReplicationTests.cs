using System.Text.Json;
using Syncwarden.IntegrationTests.Infrastructure;

namespace Syncwarden.IntegrationTests.Engine;

public sealed class LocalReplicationTests
{
    [Fact]
    public async Task Local_job_with_two_mappings_replicates_both_trees()
    {
        // Arrange
        using var dir = new TempDir("local");
        new TreeBuilder(dir.CreateSubdirectory("src", "work")).File("a.txt", 1000).File("sub/b.bin", 200_000).Symlink("link", "a.txt");
        new TreeBuilder(dir.CreateSubdirectory("src", "prive")).File("c.txt", 5000).File("deep/er/d.txt", 10);
        var replica = dir.CreateSubdirectory("replica");
        var config = new TestConfig(dir).Job("nightly", $$"""
            direction: local
            syncs:
              - { source: {{TestConfig.Q(dir.Combine("src", "work"))}}, destination: {{TestConfig.Q(replica)}} }
              - { source: {{TestConfig.Q(dir.Combine("src", "prive"))}}, destination: {{TestConfig.Q(replica)}}, options: [--delete] }
            """);

        // Act
        var run = await config.RunCliAsync("run", "nightly", "--json");

        // Assert
        run.ExitCode.Should().Be(0, run.StandardError);
        (await TreeComparer.DescribeDifferencesAsync(dir.Combine("src", "work"), Path.Combine(replica, "work"))).Should().BeEmpty();
        (await TreeComparer.DescribeDifferencesAsync(dir.Combine("src", "prive"), Path.Combine(replica, "prive"))).Should().BeEmpty();
        Directory.EnumerateFileSystemEntries(replica).Select(Path.GetFileName).Should().BeEquivalentTo(["work", "prive"], "no temp or partial folders are left behind");
        using var json = JsonDocument.Parse(run.StandardOutput);
        var record = json.RootElement[0];
        record.GetProperty("result").GetString().Should().Be("succeeded");
        record.GetProperty("filesTransferred").GetInt64().Should().Be(4);
        record.GetProperty("bytesTransferred").GetInt64().Should().Be(1000 + 200_000 + 5000 + 10);
        File.Exists(record.GetProperty("logFile").GetString()).Should().BeTrue();
    }
}
