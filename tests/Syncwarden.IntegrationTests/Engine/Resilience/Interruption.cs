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

    /// <summary>rsync's "Literal data" from the run log: the bytes really sent, as opposed to the size of the files updated.</summary>
    public static long LiteralData(JsonElement record)
    {
        var log = File.ReadAllText(record.GetProperty("logFile").GetString()!);
        var match = LiteralDataLine().Match(log);
        match.Success.Should().BeTrue("the run log holds rsync's --stats:\n" + log);
        return long.Parse(match.Groups[1].Value.Replace(",", "", StringComparison.Ordinal), CultureInfo.InvariantCulture);
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
