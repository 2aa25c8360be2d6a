using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Syncwarden.IntegrationTests.Infrastructure;

namespace Syncwarden.IntegrationTests.Engine.Resilience;

/// <summary>Helpers for striking a transfer while it runs and checking what it left behind.</summary>
internal static partial class Interruption
{
    public const int BigFileSize = 40 * 1024 * 1024;

    /// <summary>
    /// A source tree with small files sent before (<c>a-*</c>) and after (<c>z-*</c>) a ~40 MB
    /// <c>m-big.bin</c>; rsync sends names in sorted order.
    /// </summary>
    public static void BuildSource(string root)
    {
        var tree = new TreeBuilder(root);
        for (var i = 0; i < 5; i++)
        {
            tree.File($"a-small-{i}.txt", 1000 + i).File($"z-small-{i}.txt", 2000 + i);
        }
        tree.File("m-big.bin", BigFileSize).File("sub/nested.txt", 333);
    }

    /// <summary>
    /// Job "slow": <see cref="BuildSource"/> in src/work, replicated to replica/ at 4000 KiB/s. Local, or a push or pull
    /// without retries through host "backup" on <paramref name="server"/> (with <paramref name="hostExtra"/> host YAML).
    /// </summary>
    public static (TestConfig Config, string Source, string Replica) SlowJob(TempDir dir, string direction = "local", SshServer? server = null, string hostExtra = "")
    {
        var source = dir.CreateSubdirectory("src", "work");
        BuildSource(source);
        var replica = dir.CreateSubdirectory("replica");
        var config = new TestConfig(dir);
        if (server is not null)
        {
            config.Host(TestConfig.PairHost, server, extra: hostExtra);
        }
        config.Pair("slow", direction, source, replica, "bandwidth: 4000" + (direction == "local" ? "" : "\nretries: { count: 0 }"));
        return (config, source, replica);
    }

    /// <summary>
    /// Runs "slow" again after an interruption and checks it completes the replica and tidies up; returns its run record.
    /// </summary>
    public static async Task<JsonElement> RerunCompletesAsync(TestConfig config, string source, string replica)
    {
        var rerun = await config.RunCliAsync("run", "slow", "--json");

        rerun.ExitCode.Should().Be(0, rerun.ToString());
        (await TreeComparer.DescribeDifferencesAsync(source, Path.Combine(replica, "work"))).Should().BeEmpty();
        SyncwardenFolders(replica).Should().BeEmpty("temp and partial folders are removed after a good run");
        var record = SingleRun(rerun);
        record.GetProperty("result").GetString().Should().Be("succeeded");
        return record;
    }

    /// <summary>The run records of job "slow" in the history, newest first.</summary>
    public static async Task<IReadOnlyList<JsonElement>> HistoryAsync(TestConfig config)
    {
        var history = await config.RunCliAsync("history", "slow", "--json");
        history.ExitCode.Should().Be(0, history.ToString());
        using var runs = JsonDocument.Parse(history.StandardOutput);
        return [.. runs.RootElement.EnumerateArray().Select(r => r.Clone())];
    }

    /// <summary>A run that ended with <paramref name="result"/>, an error mentioning <paramref name="error"/>, and an end time.</summary>
    public static void ShouldHaveEnded(JsonElement run, string result, string error)
    {
        run.GetProperty("result").GetString().Should().Be(result);
        run.GetProperty("error").GetString().Should().Contain(error);
        run.GetProperty("endedAt").ValueKind.Should().NotBe(JsonValueKind.Null);
    }

    /// <summary>Waits until <paramref name="condition"/> holds; fails early (with the CLI's output) if the CLI exits first.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, string what, RunningProcess? cli = null, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(30);
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (cli is { HasExited: true })
            {
                var result = await cli.Completion;
                throw new InvalidOperationException($"the CLI exited before {what}: {result}");
            }
            if (clock.Elapsed > limit)
            {
                throw new TimeoutException($"waited {limit} for {what}" + (cli is null ? "" : $"; CLI stderr so far: {cli.StandardErrorSoFar}"));
            }
            await Task.Delay(50);
        }
    }

    /// <summary>Bytes in every regular file below <paramref name="root"/>, hidden and temp files included.</summary>
    public static long BytesUnder(string root) =>
        Directory.Exists(root)
            ? new DirectoryInfo(root).EnumerateFiles("*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0, IgnoreInaccessible = true }).Sum(f => SafeLength(f))
            : 0;

    /// <summary>Bytes kept in <c>.syncwarden-partial</c> or <c>.syncwarden-tmp</c> folders anywhere below <paramref name="root"/>.</summary>
    public static long KeptPartialBytes(string root) =>
        SyncwardenFolders(root).Sum(BytesUnder);

    /// <summary>Every <c>.syncwarden-*</c> folder below <paramref name="root"/>.</summary>
    public static IReadOnlyList<string> SyncwardenFolders(string root) =>
        Directory.Exists(root)
            ? [.. Directory.EnumerateDirectories(root, ".syncwarden-*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 })]
            : [];

    /// <summary>
    /// Files under their final name in <paramref name="destination"/> that are not byte-identical to
    /// the file of the same relative path in <paramref name="source"/> (missing files are fine).
    /// Anything inside a <c>.syncwarden-*</c> folder is not under its final name and is skipped.
    /// </summary>
    public static IReadOnlyList<string> CorruptFinalFiles(string source, string destination)
    {
        var problems = new List<string>();
        if (!Directory.Exists(destination))
        {
            return problems;
        }
        foreach (var file in Directory.EnumerateFiles(destination, "*", new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 }))
        {
            var relative = Path.GetRelativePath(destination, file);
            if (relative.Split('/').Any(part => part.StartsWith(".syncwarden-", StringComparison.Ordinal)))
            {
                continue;
            }
            var original = Path.Combine(source, relative);
            if (!File.Exists(original))
            {
                problems.Add($"{relative}: not in the source (a temp file left under the destination?), {new FileInfo(file).Length} bytes");
            }
            else if (!File.ReadAllBytes(file).AsSpan().SequenceEqual(File.ReadAllBytes(original)))
            {
                problems.Add($"{relative}: {new FileInfo(file).Length} bytes differ from the source's {new FileInfo(original).Length}");
            }
        }
        return problems;
    }

    /// <summary>Live rsync processes below <paramref name="processId"/> (setpriv execs rsync, so they are rsync by name).</summary>
    public static IReadOnlyList<int> RsyncDescendants(int processId) =>
        [.. ProcFs.DescendantsOf(processId).Where(IsRsync)];

    /// <summary>Live rsync or ssh processes whose command line mentions <paramref name="fragment"/> (a test's unique temp path).</summary>
    public static IReadOnlyList<int> RsyncOrSshMentioning(string fragment) =>
        [.. ProcFs.FindByCommandLine(fragment).Where(pid => IsRsync(pid) || ProcFs.CommandLine(pid) is [var first, ..] && Path.GetFileName(first) == "ssh")];

    public static bool IsRsync(int pid) => ProcFs.CommandLine(pid) is [var first, ..] && Path.GetFileName(first) == "rsync";

    /// <summary>Waits (bounded) until no rsync or ssh mentioning <paramref name="fragment"/> is alive; returns those still alive.</summary>
    public static async Task<IReadOnlyList<int>> WaitForRsyncGoneAsync(string fragment, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        IReadOnlyList<int> alive;
        while ((alive = RsyncOrSshMentioning(fragment)).Count > 0 && clock.Elapsed < timeout)
        {
            await Task.Delay(100);
        }
        return alive;
    }

    /// <summary>The single run record of a <c>run --json</c>.</summary>
    public static JsonElement SingleRun(ProcessResult run)
    {
        using var json = JsonDocument.Parse(run.StandardOutput);
        json.RootElement.GetArrayLength().Should().Be(1, run.ToString());
        return json.RootElement[0].Clone();
    }

    /// <summary>
    /// rsync's "Literal data" from the run log, summed over every rsync the run started: the bytes really sent, as
    /// opposed to the size of the files updated.
    /// </summary>
    public static long LiteralData(JsonElement record)
    {
        var log = File.ReadAllText(record.GetProperty("logFile").GetString()!);
        var matches = LiteralDataLine().Matches(log);
        matches.Should().NotBeEmpty("the run log holds rsync's --stats:\n" + log);
        return matches.Sum(m => long.Parse(m.Groups[1].Value.Replace(",", "", StringComparison.Ordinal), CultureInfo.InvariantCulture));
    }

    private static long SafeLength(FileInfo file)
    {
        try
        {
            return file.Length;
        }
        catch (FileNotFoundException)
        {
            return 0;
        }
    }

    [GeneratedRegex(@"^Literal data: ([\d,]+) bytes", RegexOptions.Multiline)]
    private static partial Regex LiteralDataLine();
}
