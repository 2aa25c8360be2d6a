using System.Globalization;
using System.Text.Json;
using Syncwarden.IntegrationTests.Infrastructure;
using Syncwarden.Snapshots;

namespace Syncwarden.IntegrationTests.DestinationSnapshots;

/// <summary>What a snapshot store holds on disk, read with the system's own tools (stat, readlink), not with syncwarden.</summary>
internal static class SnapshotFiles
{
    /// <summary>The snapshot folders in <paramref name="root"/>, oldest first.</summary>
    public static IReadOnlyList<string> Names(string root) =>
        Directory.Exists(root)
            ? [.. Directory.EnumerateDirectories(root).Select(Path.GetFileName).Where(SnapshotName.IsSnapshot).Order(StringComparer.Ordinal)!]
            : [];

    /// <summary>Where <c>root/latest</c> points, as written in the link.</summary>
    public static string? Latest(string root) => new FileInfo(Path.Combine(root, SnapshotName.Latest)).LinkTarget;

    /// <summary>st_ino of each path (stat -c %i).</summary>
    public static async Task<IReadOnlyList<long>> InodesAsync(params string[] paths)
    {
        var stat = await LoopFilesystem.MustAsync("stat", ["-c", "%i", .. paths]);
        return [.. stat.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => long.Parse(l, CultureInfo.InvariantCulture))];
    }

    /// <summary>A copy of <paramref name="source"/> as it is now (cp -a), to compare a snapshot with later.</summary>
    public static async Task<string> KeepCopyAsync(TempDir dir, string source, string label)
    {
        var copy = dir.Combine("expected-" + label);
        await LoopFilesystem.MustAsync("cp", "-a", source, copy);
        return copy;
    }

    /// <summary>Differences between <paramref name="expected"/> and a snapshot (content, type, mode and mtime).</summary>
    public static Task<IReadOnlyList<string>> DifferencesAsync(string expected, string snapshot) =>
        TreeComparer.DescribeDifferencesAsync(expected, snapshot, compareModificationTimes: true);

    /// <summary>The JSON array a --json command printed.</summary>
    public static IReadOnlyList<JsonElement> JsonRows(ProcessResult result)
    {
        result.ExitCode.Should().Be(0, result.ToString());
        using var doc = JsonDocument.Parse(result.StandardOutput);
        return [.. doc.RootElement.EnumerateArray().Select(e => e.Clone())];
    }
}
