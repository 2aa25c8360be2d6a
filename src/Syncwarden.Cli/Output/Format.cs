using System.Globalization;

namespace Syncwarden.Cli.Output;

internal static class Format
{
    public static string Bytes(double bytes) => ByteSize.Format(bytes);

    public static string Duration(TimeSpan? span) => span is not { } d ? "-"
        : d.TotalHours >= 1 ? $"{(int)d.TotalHours}h{d.Minutes:00}m"
        : d.TotalMinutes >= 1 ? $"{d.Minutes}m{d.Seconds:00}s"
        : string.Create(CultureInfo.InvariantCulture, $"{d.TotalSeconds:0.0}s");

    /// <summary>
    /// <paramref name="text"/> on one line (line breaks and runs of spaces become one space) of at most
    /// <paramref name="width"/> characters: a longer text is cut at a word boundary near the limit and ends in "...".
    /// </summary>
    public static string OneLine(string text, int width)
    {
        var line = string.Join(' ', text.Split((char[])[' ', '\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries));
        if (line.Length <= width)
        {
            return line;
        }
        const string more = "...";
        var cut = width - more.Length;
        var space = line.LastIndexOf(' ', cut);
        // A word boundary, unless that would throw away more than a quarter of the room.
        if (space > cut * 3 / 4)
        {
            cut = space;
        }
        return line[..cut].TrimEnd(' ', ',', ';', ':', '-') + more;
    }

    public static string Time(DateTimeOffset? t) => t is { } v ? v.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) : "-";
}
