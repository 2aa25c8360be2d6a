namespace Syncwarden.Rsync;

/// <summary>Parses the lines rsync prints for <see cref="OutFormat"/>.</summary>
/// <remarks>
/// %i is "YXcstpoguax": Y is the update type ('&lt;' sent, '&gt;' received, 'c' local change or
/// creation, 'h' hard link, '.' attributes only, '*' message such as "*deleting"), X the file type
/// (f, d, L, D, S), then one column per attribute. A new item shows "+++++++++" in the attribute
/// columns. Other stdout lines (progress, stats) do not parse and return false.
/// </remarks>
public static class ItemizeParser
{
    public const string OutFormat = "%i|%l|%n";

    private const string DeletingFlags = "*deleting";
    private const string NewItemMarker = "+++++++++";

    public static bool TryParse(string line, out ItemizedChange change)
    {
        change = null!;
        if (line is null)
        {
            return false;
        }

        line = line.TrimEnd('\r', '\n');

        // Split on the first two separators only: the name itself may contain '|'.
        var first = line.IndexOf('|', StringComparison.Ordinal);
        if (first < 0)
        {
            return false;
        }

        var second = line.IndexOf('|', first + 1);
        if (second < 0)
        {
            return false;
        }

        var flags = line[..first];
        var rawPath = line[(second + 1)..];
        if (flags.Length < 2 || rawPath.Length == 0
            || !RsyncNumber.TryParseLong(line.AsSpan(first + 1, second - first - 1), out var size))
        {
            return false;
        }

        // "*deleting" has no type column (its second char is the 'd' of "deleting"), so
        // deletions rely on the trailing '/' rsync prints for directory names.
        var isDeletion = flags.StartsWith(DeletingFlags, StringComparison.Ordinal);
        var isDirectory = rawPath.EndsWith('/') || (!isDeletion && flags[1] == 'd');
        var path = RsyncEscapes.Unescape(rawPath.Length > 1 ? rawPath.TrimEnd('/') : rawPath);

        ChangeKind kind;
        if (isDeletion)
        {
            kind = ChangeKind.Delete;
        }
        else if (!IsItemizeFlags(flags))
        {
            return false;
        }
        else if (flags.Contains(NewItemMarker, StringComparison.Ordinal))
        {
            kind = ChangeKind.Create;
        }
        else if (flags[0] is '<' or '>' or 'c' or 'h')
        {
            kind = ChangeKind.Update;
        }
        else if (flags[0] == '.' && flags.AsSpan(2).ContainsAnyExcept(' ', '.'))
        {
            kind = ChangeKind.Attributes;
        }
        else
        {
            // ".f          " (unchanged, only with -ii) or a '*' message we do not model.
            return false;
        }

        change = new ItemizedChange(kind, path, size, isDirectory, flags);
        return true;
    }

    private static bool IsItemizeFlags(string flags) =>
        flags.Length == 11
        && flags[0] is '<' or '>' or 'c' or 'h' or '.'
        && flags[1] is 'f' or 'd' or 'L' or 'D' or 'S';
}
