using Syncwarden.IntegrationTests.Infrastructure;

namespace Syncwarden.IntegrationTests.Scheduling;

/// <summary>Finds node and npm and installs the pinned cron-parser into the test's node folder once.</summary>
internal static class CronParser
{
    private static readonly SemaphoreSlim InstallLock = new(1, 1);

    /// <summary>Returns the path of node after making sure node_modules exists in <paramref name="nodeDir"/>.</summary>
    public static async Task<string> EnsureInstalledAsync(string nodeDir)
    {
        var node = Find("node");
        var npm = Find("npm");
        if (node is null || npm is null)
        {
            Assert.Fail("node and npm are needed to cross-check cron schedules against cron-parser; install them " +
                "(apt-get install nodejs npm, which scripts/test does) and run the tests again");
        }
        await InstallLock.WaitAsync();
        try
        {
            if (!Directory.Exists(Path.Combine(nodeDir, "node_modules", "cron-parser")))
            {
                var install = await TestProcess.RunAsync(npm!, ["ci", "--no-audit", "--no-fund"], TimeSpan.FromMinutes(5), workingDirectory: nodeDir);
                install.ExitCode.Should().Be(0, $"npm ci in {nodeDir} failed (is the npm registry reachable?)\n{install}");
            }
        }
        finally
        {
            InstallLock.Release();
        }
        return node!;
    }

    private static string? Find(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin")
            .Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, name))
            .FirstOrDefault(File.Exists);
}
