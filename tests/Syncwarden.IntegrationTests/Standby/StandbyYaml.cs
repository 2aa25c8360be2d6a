using Syncwarden.IntegrationTests.Infrastructure;

namespace Syncwarden.IntegrationTests.Standby;

/// <summary>The configuration of a single standby machine in tests that need no second machine: beta, the standby of alpha.</summary>
internal static class StandbyYaml
{
    /// <summary>
    /// Top-level YAML for beta with one data folder, <paramref name="data"/>. <paramref name="alpha"/> is what goes inside
    /// the braces of alpha's host mapping; <paramref name="standby"/> are further lines of the standby: section.
    /// </summary>
    public static string OnBeta(string data, string alpha, params string[] standby) =>
        "this-host: beta\nhosts:\n  alpha: { " + alpha + " }\n  beta: { address: 127.0.0.1, port: 22 }\n"
        + "standby:\n  primary: alpha\n  standby: beta\n"
        + string.Concat(standby.Select(line => "  " + line + "\n"))
        + "  syncs: [{ source: /srv/primary-data, destination: " + TestConfig.Q(data) + " }]\n";
}
