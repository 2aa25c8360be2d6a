using System.Text;
using System.Text.RegularExpressions;

namespace Syncwarden.Locks;

/// <summary>Shell-style wildcards (*, ?, [...]) in lock paths, matched one path component at a time like sh does.</summary>
public static class LockGlob
{
    public static bool IsPattern(string path) => path.AsSpan().IndexOfAny('*', '?', '[') >= 0;

    /// <summary>True when <paramref name="path"/> is matched by <paramref name="pattern"/> (or equal to it).</summary>
    public static bool Matches(string pattern, string path)
    {
        var p = pattern.Split('/');
        var f = path.Split('/');
        return p.Length == f.Length && p.Zip(f).All(x => SegmentRegex(x.First).IsMatch(x.Second));
    }

    /// <summary>Existing files matched by the pattern (the path itself, when it has no wildcards and exists).</summary>
    public static IReadOnlyList<string> Expand(string pattern)
    {
        if (!IsPattern(pattern))
        {
            return File.Exists(pattern) || Directory.Exists(pattern) || IsLink(pattern) ? [pattern] : [];
        }
        var segments = pattern.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var current = new List<string> { "/" };
        for (var i = 0; i < segments.Length; i++)
        {
            var last = i == segments.Length - 1;
            var next = new List<string>();
            foreach (var dir in current)
            {
                if (!IsPattern(segments[i]))
                {
                    var candidate = Path.Combine(dir, segments[i]);
                    if (last ? File.Exists(candidate) || IsLink(candidate) : Directory.Exists(candidate))
                    {
                        next.Add(candidate);
                    }
                    continue;
                }
                var regex = SegmentRegex(segments[i]);
                IEnumerable<string> entries;
                try
                {
                    entries = last ? Directory.EnumerateFileSystemEntries(dir) : Directory.EnumerateDirectories(dir);
                    next.AddRange(entries.Where(e => Path.GetFileName(e) is var name && !name.StartsWith('.') && regex.IsMatch(name)).Order(StringComparer.Ordinal));
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    // A directory that vanished or is unreadable matches nothing, as in sh.
                }
            }
            current = next;
        }
        return current;
    }

    private static bool IsLink(string path) => new FileInfo(path).LinkTarget is not null;

    private static Regex SegmentRegex(string segment)
    {
        var sb = new StringBuilder("^");
        for (var i = 0; i < segment.Length; i++)
        {
            var c = segment[i];
            switch (c)
            {
                case '*':
                    sb.Append("[^/]*");
                    break;
                case '?':
                    sb.Append("[^/]");
                    break;
                case '[' when segment.IndexOf(']', i + 2) is var end and > 0:
                    var body = segment[(i + 1)..end];
                    var negate = body.StartsWith('!') || body.StartsWith('^');
                    sb.Append('[').Append(negate ? "^" : "").Append(Regex.Escape(negate ? body[1..] : body).Replace("\\-", "-", StringComparison.Ordinal)).Append(']');
                    i = end;
                    break;
                default:
                    sb.Append(Regex.Escape(c.ToString()));
                    break;
            }
        }
        return new Regex(sb.Append('$').ToString(), RegexOptions.CultureInvariant);
    }
}
