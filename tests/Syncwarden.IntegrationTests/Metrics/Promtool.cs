using System.Text;
using Syncwarden.IntegrationTests.Infrastructure;

namespace Syncwarden.IntegrationTests.Metrics;

/// <summary>Prometheus' own checker (Debian package prometheus), run on what Syncwarden serves and ships.</summary>
public static class Promtool
{
    public const string Path = "/usr/bin/promtool";

    /// <summary><c>promtool check metrics</c> on a /metrics page: exit 0 and no lint findings, or the result says why.</summary>
    public static Task<ProcessResult> CheckMetricsAsync(string exposition) =>
        TestProcess.RunAsync(Path, ["check", "metrics"], TimeSpan.FromSeconds(60), standardInput: Encoding.UTF8.GetBytes(exposition));

    public static Task<ProcessResult> CheckRulesAsync(string rulesFile) =>
        TestProcess.RunAsync(Path, ["check", "rules", rulesFile], TimeSpan.FromSeconds(60));

    public static Task<ProcessResult> TestRulesAsync(string testFile) =>
        TestProcess.RunAsync(Path, ["test", "rules", testFile], TimeSpan.FromSeconds(60));
}
