using Syncwarden.IntegrationTests.Infrastructure;
using Syncwarden.IntegrationTests.Publish;

namespace Syncwarden.IntegrationTests.Cli;

/// <summary>The README's first command: scripts/demo publishes the NativeAOT binary and runs its demo, as here.</summary>
public sealed class DemoTests
{
    [Fact]
    public async Task Demo_replicates_on_the_embedded_config_and_prints_status()
    {
        var binary = await PublishedBinary.GetAsync();
        using var dir = new TempDir("demo");

        var demo = await TestProcess.RunAsync(binary, ["demo", "--dir", dir.Path], TimeSpan.FromSeconds(120));

        demo.ExitCode.Should().Be(0, demo.StandardOutput + demo.StandardError);
        demo.StandardOutput.Should().Contain("OK, 1 job(s): demo").And.Contain("demo: succeeded").And.Contain("LAST SUCCESS")
            .And.MatchRegex(@"Web dashboard: http://127\.0\.0\.1:\d+/").And.Contain("Dashboard answered");
        (await TreeComparer.DescribeDifferencesAsync(dir.Combine("source", "photos"), dir.Combine("replica", "photos"))).Should().BeEmpty();
        File.Exists(dir.Combine("replica", "documents", "report-01.txt")).Should().BeTrue();
        File.Exists(dir.Combine("replica", "documents", "scratch.tmp")).Should().BeFalse("the demo job excludes *.tmp");
        File.GetUnixFileMode(dir.Combine("syncwarden.yaml")).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }
}
