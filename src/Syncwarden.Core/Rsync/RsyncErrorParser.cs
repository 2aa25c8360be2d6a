namespace Syncwarden.Rsync;

/// <summary>Reads rsync's stderr after a run.</summary>
/// <remarks>
/// rsync 3.5.0 error lines look like
/// <c>rsync: [sender] send_files failed to open "/abs/src/x": Permission denied (13)</c> and
/// <c>rsync: [sender] link_stat "/abs/missing" failed: No such file or directory (2)</c>;
/// paths are absolute for local sources. Vanished files are a warning without the "rsync:" prefix:
/// <c>file has vanished: "/abs/src/x"</c>. The last line is the summary:
/// <c>rsync error: … (code 23) at main.c(1394) [sender=3.5.0]</c> or, for code 24,
/// <c>rsync warning: some files vanished before they could be transferred (code 24) …</c>.
/// </remarks>
public static class RsyncErrorParser
{
    private const string VanishedPrefix = "file has vanished: ";

    /// <summary>Quoted paths of "rsync: …" error lines, in order, without duplicates.</summary>
    public static IReadOnlyList<string> FailedPaths(IEnumerable<string> stderrLines)
    {
        ArgumentNullException.ThrowIfNull(stderrLines);
        var paths = new List<string>();
        foreach (var raw in stderrLines)
        {
            var line = raw.Trim();
            if (!line.StartsWith("rsync: ", StringComparison.Ordinal)
                || line.Contains(VanishedPrefix, StringComparison.Ordinal))
            {
                continue;
            }

            var path = QuotedPath(line);
            if (path is not null && !paths.Contains(path))
            {
                paths.Add(path);
            }
        }

        return paths;
    }

    /// <summary>Paths of "file has vanished" warnings (exit code 24), in order.</summary>
    public static IReadOnlyList<string> VanishedPaths(IEnumerable<string> stderrLines)
    {
        ArgumentNullException.ThrowIfNull(stderrLines);
        var paths = new List<string>();
        foreach (var raw in stderrLines)
        {
            var line = raw.Trim();
            var at = line.IndexOf(VanishedPrefix, StringComparison.Ordinal);
            if (at < 0)
            {
                continue;
            }

            var quoted = line[(at + VanishedPrefix.Length)..];
            if (quoted.Length >= 2 && quoted[0] == '"' && quoted[^1] == '"')
            {
                paths.Add(RsyncEscapes.Unescape(quoted[1..^1]));
            }
        }

        return paths;
    }

    /// <summary>
    /// rsync's summary ("rsync error: …", else "rsync warning: …"); without one, the first "ssh:"
    /// line (the root cause of a failed connection), else the first "rsync:" line. Null if none.
    /// </summary>
    public static string? MainError(IEnumerable<string> stderrLines)
    {
        ArgumentNullException.ThrowIfNull(stderrLines);
        string? error = null, warning = null, ssh = null, rsync = null;
        foreach (var raw in stderrLines)
        {
            var line = raw.Trim();
            if (line.StartsWith("rsync error: ", StringComparison.Ordinal))
            {
                error = line;
            }
            else if (line.StartsWith("rsync warning: ", StringComparison.Ordinal))
            {
                warning = line;
            }
            else if (line.StartsWith("ssh: ", StringComparison.Ordinal))
            {
                ssh ??= line;
            }
            else if (line.StartsWith("rsync: ", StringComparison.Ordinal))
            {
                rsync ??= line;
            }
        }

        return error ?? warning ?? ssh ?? rsync;
    }

    // The path between the first quote and the quote that closes it. rsync does not escape quotes
    // in names, so the closing quote is found from the end: the last '": ' or '" failed' or '")'.
    // For 'rename "a" -> "b" failed' the destination "b" is the one reported.
    private static string? QuotedPath(string line)
    {
        var open = line.IndexOf('"', StringComparison.Ordinal);
        if (open < 0)
        {
            return null;
        }

        var close = -1;
        foreach (var ending in (ReadOnlySpan<string>)["\": ", "\" failed", "\")"])
        {
            close = Math.Max(close, line.LastIndexOf(ending, StringComparison.Ordinal));
        }

        if (close <= open)
        {
            close = line.LastIndexOf('"');
        }

        if (close <= open)
        {
            return null;
        }

        var inner = line[(open + 1)..close];
        var arrow = inner.LastIndexOf("\" -> \"", StringComparison.Ordinal);
        if (arrow >= 0)
        {
            inner = inner[(arrow + 6)..];
        }

        return RsyncEscapes.Unescape(inner);
    }
}
