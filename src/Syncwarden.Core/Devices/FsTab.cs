namespace Syncwarden.Devices;

/// <summary>One mount point of /etc/fstab and the line it is on.</summary>
internal sealed record FsTabEntry(string Mountpoint, int Line);

/// <summary>
/// The mount points /etc/fstab names, read fresh each time. A destination under one of them that is not mounted
/// right now would land on the filesystem below the empty mount point (usually the root filesystem) instead of the
/// disk the admin meant.
/// </summary>
internal static class FsTab
{
    public const string DefaultPath = "/etc/fstab";

    public static IReadOnlyList<FsTabEntry> Read(string path = DefaultPath)
    {
        var list = new List<FsTabEntry>();
        if (!File.Exists(path))
        {
            return list;
        }
        var number = 0;
        foreach (var line in File.ReadLines(path))
        {
            number++;
            if (Parse(line) is { } mountpoint)
            {
                list.Add(new FsTabEntry(mountpoint, number));
            }
        }
        return list;
    }

    /// <summary>
    /// "UUID=1234 /mnt/backup ext4 noauto 0 2": the mount point is the second whitespace-separated field, with spaces
    /// written as \040. Comments, blank lines, swap ("none", "swap") and relative names give null.
    /// </summary>
    internal static string? Parse(string line)
    {
        var fields = line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 2 || fields[0].StartsWith('#'))
        {
            return null;
        }
        var mountpoint = MountTable.Unescape(fields[1]);
        return mountpoint.StartsWith('/') ? Normalize(mountpoint) : null;
    }

    /// <summary>
    /// The deepest mount point of <paramref name="fstab"/> (other than /) that holds <paramref name="path"/> and is not
    /// mounted now according to <paramref name="mountinfo"/>; null when the path's disk is mounted or fstab does not
    /// name one for it.
    /// </summary>
    public static FsTabEntry? UnmountedAbove(string path, string fstab = DefaultPath, string mountinfo = MountTable.DefaultPath)
    {
        var full = Normalize(Path.GetFullPath(path));
        var holder = Read(fstab)
            .Where(e => e.Mountpoint != "/" && (full == e.Mountpoint || full.StartsWith(e.Mountpoint + "/", StringComparison.Ordinal)))
            .MaxBy(e => e.Mountpoint.Length);
        if (holder is null)
        {
            return null;
        }
        return MountTable.Read(mountinfo).Any(m => Normalize(m.Mountpoint) == holder.Mountpoint) ? null : holder;
    }

    private static string Normalize(string path) => path.Length > 1 ? path.TrimEnd('/') : path;
}
