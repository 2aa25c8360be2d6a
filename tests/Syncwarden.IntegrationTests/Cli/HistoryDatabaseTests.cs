using Microsoft.Data.Sqlite;
using Syncwarden.History;
using Syncwarden.IntegrationTests.Infrastructure;

namespace Syncwarden.IntegrationTests.Cli;

/// <summary>What the commands do with a history database they cannot use (the schema itself: HistoryMigrationTests).</summary>
public sealed class HistoryDatabaseTests
{
    [Theory]
    [InlineData("history")]
    [InlineData("status")]
    [InlineData("run")]
    public async Task A_database_from_a_newer_syncwarden_is_refused_in_one_line_and_left_unchanged(string command)
    {
        // Arrange
        using var dir = new TempDir("newer-history");
        var config = new TestConfig(dir).Job("j", $$"""
            direction: local
            syncs: [ { source: {{TestConfig.Q(dir.CreateSubdirectory("src"))}}, destination: {{TestConfig.Q(dir.CreateSubdirectory("dst"))}} } ]
            """);
        var database = Path.Combine(config.StateDir, "history.db");
        SqliteLibrary.EnsureLoaded();
        using (var connection = new SqliteConnection($"Data Source={database};Pooling=False"))
        {
            connection.Open();
            using var cmd = connection.CreateCommand();
            cmd.CommandText = "CREATE TABLE runs (id INTEGER PRIMARY KEY, job TEXT NOT NULL, host TEXT); INSERT INTO runs (job) VALUES ('j'); PRAGMA user_version=1000;";
            cmd.ExecuteNonQuery();
        }
        var before = File.ReadAllBytes(database);

        // Act
        var result = await config.RunCliAsync(command);

        // Assert
        result.ExitCode.Should().Be(1, result.StandardError);
        result.StandardError.Trim().Should().StartWith($"syncwarden: {database} has history schema version 1000")
            .And.Contain("Upgrade syncwarden").And.NotContain("   at ", "no stack trace");
        File.ReadAllBytes(database).Should().Equal(before);
        Directory.Exists(dir.Combine("dst")).Should().BeTrue();
        Directory.EnumerateFileSystemEntries(dir.Combine("dst")).Should().BeEmpty("nothing ran");
    }
}
