using System.Globalization;
using System.Text;

namespace Syncwarden.IntegrationTests.Configuration;

/// <summary>
/// Breaks a valid configuration the ways people and accidents do: lines lost, repeated or swapped, values of the
/// wrong type, stray bytes, runaway nesting, anchors and aliases, odd indentation, truncation, extra documents.
/// Deterministic for a given <see cref="Random"/>, so any failing case can be replayed from its seed.
/// </summary>
internal sealed class ConfigMutator(Random random)
{
    private static readonly string[] WrongValues =
    [
        "[1, 2]", "{ a: 1 }", "\"\"", "~", "-5", "0", "99999999999999999999", "yes", "\"*\"", "&x 1", "*x", "*nope",
        "!!binary AAAA", "!custom x", "1e400", "0x1F", "NaN", ".inf", "2026-13-45", "\"\\u0000\"", "'''", "|\n  block",
        ">-\n  folded", "[", "}", "@at", "`tick`", "%percent", "\"/etc\"", "/", "../..", "-- --delete", "\"$(reboot)\"",
        "\"a\\tb\"", "'\u202e'", new string('v', 5000),
    ];

    private static readonly string[] Noise =
        ["\0", "\t", "\r", "\u0085", "\u2028", "\uFEFF", "\"", "'", "[", "]", "{", "}", ":", "- ", "#", "&", "*", "!", "|", ">", "%", "@", "`", "\\", "é", "😀", "\x1b[31m"];

    public string Mutate(string yaml)
    {
        var lines = yaml.Split('\n').ToList();
        var count = random.Next(1, 5);
        for (var i = 0; i < count; i++)
        {
            Apply(lines);
        }
        return string.Join('\n', lines);
    }

    private void Apply(List<string> lines)
    {
        if (lines.Count == 0)
        {
            lines.Add("jobs:");
        }
        var at = random.Next(lines.Count);
        switch (random.Next(13))
        {
            case 0:
                lines.RemoveAt(at);
                break;
            case 1:
                lines.Insert(random.Next(lines.Count + 1), lines[at]);
                break;
            case 2:
                var other = random.Next(lines.Count);
                (lines[at], lines[other]) = (lines[other], lines[at]);
                break;
            case 3:
                lines[at] = ReplaceValue(lines[at], WrongValues[random.Next(WrongValues.Length)]);
                break;
            case 4:
                lines[at] = lines[at].Insert(random.Next(lines[at].Length + 1), Noise[random.Next(Noise.Length)]);
                break;
            case 5:
                var bytes = new byte[random.Next(1, 16)];
                random.NextBytes(bytes);
                lines[at] = lines[at].Insert(random.Next(lines[at].Length + 1), Encoding.Latin1.GetString(bytes));
                break;
            case 6:
                var depth = random.Next(1, 200);
                var (open, close) = random.Next(2) == 0 ? ("[", "]") : ("{a: ", "}");
                lines[at] = ReplaceValue(lines[at], string.Concat(Enumerable.Repeat(open, depth)) + "x" + string.Concat(Enumerable.Repeat(close, depth)));
                break;
            case 7:
                var name = "n" + random.Next(3).ToString(CultureInfo.InvariantCulture);
                lines[at] = ReplaceValue(lines[at], $"&{name} {ValueOf(lines[at])}");
                var use = random.Next(lines.Count);
                lines[use] = ReplaceValue(lines[use], random.Next(4) == 0 ? $"[*{name}, *{name}, *{name}, *{name}]" : $"*{name}");
                break;
            case 8:
                var indent = random.Next(2) == 0 ? new string(' ', random.Next(1, 5)) : "\t";
                lines[at] = random.Next(2) == 0 ? indent + lines[at] : lines[at].TrimStart();
                break;
            case 9:
                var cut = random.Next(lines.Count);
                lines.RemoveRange(cut, lines.Count - cut);
                if (lines.Count > 0)
                {
                    lines[^1] = lines[^1][..random.Next(lines[^1].Length + 1)];
                }
                break;
            case 10:
                lines.Insert(at, new[] { "---", "...", "%YAML 1.2", "%TAG ! tag:x,2000:", "<<: *n0", "? complex", "- item" }[random.Next(7)]);
                break;
            case 11:
                var length = random.Next(1, Math.Min(8, lines.Count - at) + 1);
                lines.InsertRange(random.Next(lines.Count + 1), lines.GetRange(at, length));
                break;
            default:
                var key = lines[at].TrimStart().Split(':')[0];
                if (key.Length > 0)
                {
                    lines[at] = lines[at].Replace(key, key.Length > 1 ? key[..^1] : key + key, StringComparison.Ordinal);
                }
                break;
        }
    }

    private static string ValueOf(string line)
    {
        var colon = line.IndexOf(": ", StringComparison.Ordinal);
        return colon < 0 ? "x" : line[(colon + 2)..];
    }

    private static string ReplaceValue(string line, string value)
    {
        var colon = line.IndexOf(": ", StringComparison.Ordinal);
        if (colon >= 0)
        {
            return line[..(colon + 2)] + value;
        }
        var dash = line.IndexOf("- ", StringComparison.Ordinal);
        return dash >= 0 ? line[..(dash + 2)] + value : line + ": " + value;
    }
}
