using System.Globalization;
using System.Text;

namespace Syncwarden.Devices;

/// <summary>One line of /proc/self/mountinfo: where a filesystem is mounted and from what.</summary>
internal sealed record MountEntry(string Mountpoint, string Source, string FileSystemType);

/// <summary>The kernel's own table of mounts (/proc/self/mountinfo), read fresh each time: nothing is cached.</summary>
internal static class MountTable
{
    public const string DefaultPath = "/proc/self/mountinfo";

    /// <summary>The newest mount on <paramref name="mountpoint"/> (the one a path there reaches), or null.</summary>
    public static MountEntry? At(string mountpoint, string table = DefaultPath) =>
        Read(table).LastOrDefault(m => m.Mountpoint == mountpoint);

    public static IReadOnlyList<MountEntry> Read(string table = DefaultPath)
    {
        var list = new List<MountEntry>();
        foreach (var line in File.ReadLines(table))
        {
            if (Parse(line) is { } entry)
            {
                list.Add(entry);
            }
        }
        return list;
    }

    /// <summary>
    /// "36 35 98:0 /mnt1 /mnt/parent rw,noatime master:1 - ext3 /dev/root rw,errors=continue": the mount point is the
    /// fifth field; after the " - " separator come the type and the source. Spaces and the like are octal escapes.
    /// </summary>
    internal static MountEntry? Parse(string line)
    {
        var separator = line.IndexOf(" - ", StringComparison.Ordinal);
        if (separator < 0)
        {
            return null;
        }
        var head = line[..separator].Split(' ');
        var tail = line[(separator + 3)..].Split(' ');
        return head.Length < 5 || tail.Length < 2 ? null : new MountEntry(Unescape(head[4]), Unescape(tail[1]), tail[0]);
    }

    internal static string Unescape(string field)
    {
        if (!field.Contains('\\', StringComparison.Ordinal))
        {
            return field;
        }
        var bytes = new List<byte>();
        for (var i = 0; i < field.Length; i++)
        {
            if (field[i] == '\\' && i + 3 < field.Length
                && int.TryParse(field.AsSpan(i + 1, 3), NumberStyles.None, CultureInfo.InvariantCulture, out _))
            {
                bytes.Add(Convert.ToByte(field.Substring(i + 1, 3), 8));
                i += 3;
            }
            else
            {
                bytes.AddRange(Encoding.UTF8.GetBytes(field[i].ToString()));
            }
        }
        return Encoding.UTF8.GetString([.. bytes]);
    }
}
