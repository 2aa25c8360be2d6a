using System.Text.Json;
using Syncwarden.IntegrationTests.Infrastructure;

namespace Syncwarden.IntegrationTests.Cli;

/// <summary>One configuration file for both machines (this-host: names the one it runs on).</summary>
public sealed class SharedConfigTests
{
    [Fact]
    public async Task Run_of_all_jobs_skips_the_jobs_whose_host_is_this_machine_and_says_so()
    {
        // Arrange: 'tothis' pushes to host 'self', this machine; nothing listens for ssh there, so running it would fail.
        using var dir = new TempDir("shared-config");
        var source = dir.CreateSubdirectory("src");
        new TreeBuilder(source).File("a.txt", 100);
        var config = new TestConfig(dir)
            .TopLevel("this-host: self\nhosts:\n  self: { address: 127.0.0.1, port: 1 }\n")
            .Job("copy", $$"""
                direction: local
                syncs: [ { source: {{TestConfig.Q(source + "/")}}, destination: {{TestConfig.Q(dir.Combine("dst"))}} } ]
                """)
            .Job("tothis", $$"""
                direction: push
                host: self
                syncs: [ { source: {{TestConfig.Q(source + "/")}}, destination: /srv/replica } ]
                """);
        config.Write();

        // Act
        var run = await config.RunCliAsync("run", "--json");

        // Assert
        run.ExitCode.Should().Be(0, run.ToString());
        var records = JsonDocument.Parse(run.StandardOutput).RootElement;
        records.EnumerateArray().Select(r => r.GetProperty("job").GetString()).Should().Equal("copy");
        run.StandardError.Should().Contain("skipped job 'tothis': its host 'self' is this machine (this-host), so it runs on the other machine");
        File.Exists(dir.Combine("dst", "a.txt")).Should().BeTrue();
    }
}
