using Syncwarden.IntegrationTests.Infrastructure;

namespace Syncwarden.IntegrationTests.Standby;

/// <summary>What the two-machine standby tests share: the pair's configuration file, waiting with a bound, comparing the data.</summary>
internal static class StandbyPair
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(120);

    /// <summary>
    /// <paramref name="machine"/>'s configuration: <paramref name="hosts"/> (one line or block per machine), a pair alpha to
    /// beta pushing every 3 s with a 4 s io-timeout, <paramref name="standbyExtra"/> (indented two spaces) and the sync.
    /// </summary>
    public static void WriteConfig(StandbyMachine machine, StandbyMachine alpha, StandbyMachine beta, string hosts, string standbyExtra = "")
    {
        var yaml = $"state-dir: {TestConfig.Q(machine.StateDir)}\nlog: {{ level: debug }}\nhosts:\n{hosts}"
            + "standby:\n  primary: alpha\n  standby: beta\n  every: { seconds: 3 }\n  catch-up: false\n  handover-timeout: 90s\n  io-timeout: 4s\n"
            + standbyExtra
            + $"  syncs:\n    - {{ source: {TestConfig.Q(alpha.Data)}, destination: {TestConfig.Q(beta.Data)} }}\n";
        File.WriteAllText(machine.ConfigPath, yaml);
        File.SetUnixFileMode(machine.ConfigPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    /// <summary>
    /// Differences between the two data folders, leaving out the markers (each machine's own) and the dump folder: the
    /// live primary dumps again at every run, so its dump is a moving target (the restores check the dumps instead).
    /// </summary>
    public static Task<IReadOnlyList<string>> DataDifferencesAsync(StandbyMachine a, StandbyMachine b) =>
        ReadingLiveTreesAsync<IReadOnlyList<string>>(async () =>
            [.. (await TreeComparer.DescribeDifferencesAsync(a.Data, b.Data)).Where(d => !d.Contains(".syncwarden-standby", StringComparison.Ordinal) && !d.Contains(" .db", StringComparison.Ordinal) && !d.Contains(": .db", StringComparison.Ordinal))]);

    /// <summary><see cref="TreeComparer.SnapshotAsync"/> of a data folder a daemon may be writing to.</summary>
    public static Task<IReadOnlyDictionary<string, TreeEntry>> SnapshotAsync(string root) =>
        ReadingLiveTreesAsync(() => TreeComparer.SnapshotAsync(root));

    /// <summary>
    /// A daemon may replace its dump or a marker while a data folder is hashed (a file listed, then gone before it is
    /// read, or before the hashing pass lists it): <paramref name="look"/> is then taken again.
    /// </summary>
    private static async Task<T> ReadingLiveTreesAsync<T>(Func<Task<T>> look)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await look();
            }
            catch (InvalidOperationException ex) when (attempt < 5
                && (ex.Message.Contains("No such file or directory", StringComparison.Ordinal) || ex.Message.StartsWith("no sha256 for ", StringComparison.Ordinal)))
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200));
            }
        }
    }

    public static string Tail(string log) => log.Length > 6000 ? log[^6000..] : log;

    /// <summary>Waits for <paramref name="condition"/> (bounded by <see cref="Patience"/>); the timeout names it and shows the daemon's log tail.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, StandbyMachine? logOf = null)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"not within {Patience}: {what}" + (logOf?.Daemon is { } d ? $"\n{logOf.Name}'s daemon:\n" + Tail(d.StandardErrorSoFar) : ""));
            }
            await Task.Delay(250);
        }
    }
}
