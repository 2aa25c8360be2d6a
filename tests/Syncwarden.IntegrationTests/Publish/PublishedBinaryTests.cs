using System.Text.Json;
using Syncwarden.IntegrationTests.Infrastructure;

namespace Syncwarden.IntegrationTests.Publish;

/// <summary>The single file that scripts/install copies is all a machine needs: no runtime, no SQLite library beside it.</summary>
public sealed class PublishedBinaryTests
{
    [Fact]
    public async Task Published_binary_alone_runs_a_job_and_records_history_in_sqlite()
    {
        // Arrange: the binary alone in an empty directory, with its own extraction directory for bundled native libraries.
        var published = await PublishedBinary.GetAsync();
        using var dir = new TempDir("published");
        var bin = dir.CreateSubdirectory("bin");
        var binary = Path.Combine(bin, "syncwarden");
        File.Copy(published, binary);
        File.SetUnixFileMode(binary, File.GetUnixFileMode(published));
        var extract = dir.CreateSubdirectory("extract");
        var env = new Dictionary<string, string?> { ["DOTNET_BUNDLE_EXTRACT_BASE_DIR"] = extract, ["DOTNET_ROOT"] = "/nonexistent" };
        var source = dir.CreateSubdirectory("src");
        new TreeBuilder(source).File("a.txt", 1000);
        var config = new TestConfig(dir).Job("copy", $$"""
            direction: local
            syncs: [ { source: {{TestConfig.Q(source)}}, destination: {{TestConfig.Q(dir.Combine("dst"))}} } ]
            """);
        config.Write();

        // Act
        var run = await TestProcess.RunAsync(binary, ["-c", config.ConfigPath, "run", "--no-progress"], TimeSpan.FromMinutes(1), env);
        var status = await TestProcess.RunAsync(binary, ["-c", config.ConfigPath, "status", "--json"], TimeSpan.FromMinutes(1), env);

        // Assert
        Directory.EnumerateFileSystemEntries(Path.GetDirectoryName(published)!).Select(Path.GetFileName).Should().Equal("syncwarden");
        run.ExitCode.Should().Be(0, run.ToString());
        Directory.EnumerateFiles(dir.Combine("dst"), "a.txt", SearchOption.AllDirectories).Should().ContainSingle()
            .Which.Should().Match(f => new FileInfo(f).Length == 1000);
        status.ExitCode.Should().Be(0, status.ToString());
        JsonDocument.Parse(status.StandardOutput).RootElement[0].GetProperty("lastResult").GetString().Should().Be("succeeded");
        // SQLite's native library came out of the single file, not from anywhere on the machine.
        Directory.EnumerateFiles(extract, "libe_sqlite3.so", SearchOption.AllDirectories).Should().ContainSingle();
    }
}
