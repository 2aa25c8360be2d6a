using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Syncwarden.Snapshots;

/// <summary>
/// A snapshot's folder name: the UTC time its run started, <c>2026-12-01T010203Z</c> (ISO 8601 basic time, no colons, so
/// it is safe in rsync's host:path and sorts in time order). Names that do not have this form are never touched.
/// </summary>
public static class SnapshotName
{
    private const string Format = "yyyy-MM-dd'T'HHmmss'Z'";

    /// <summary>The folder rsync writes into until the run succeeded; reused (and cleaned) by the next run after a kill.</summary>
    public const string InProgress = ".syncwarden-incomplete";

    /// <summary>The symlink that names the newest complete snapshot.</summary>
    public const string Latest = "latest";

    /// <summary>Where btrfs snapshots live, inside the destination subvolume.</summary>
    public const string BtrfsFolder = ".syncwarden-snapshots";

    public static string For(DateTimeOffset time) => time.ToUniversalTime().ToString(Format, CultureInfo.InvariantCulture);

    public static bool TryParse(string? name, [NotNullWhen(true)] out DateTimeOffset? time)
    {
        time = null;
        if (name is { Length: 18 }
            && DateTime.TryParseExact(name, Format, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t))
        {
            time = new DateTimeOffset(DateTime.SpecifyKind(t, DateTimeKind.Utc));
            return true;
        }
        return false;
    }

    public static bool IsSnapshot(string? name) => TryParse(name, out _);

    /// <summary>A name for <paramref name="time"/> not in <paramref name="taken"/> (a second later while it is).</summary>
    public static string Unique(DateTimeOffset time, IReadOnlySet<string> taken)
    {
        var name = For(time);
        while (taken.Contains(name))
        {
            time = time.AddSeconds(1);
            name = For(time);
        }
        return name;
    }
}
