using System.Globalization;
using System.Text;

namespace Syncwarden.Locks;

/// <summary>How a syncwarden lock file is held: by flock for the life of a run, or by existence (lock acquire).</summary>
public enum HolderKind { Flock, File }

/// <summary>
/// Who holds a lock: the one line written into the lock file, e.g.
/// <c>syncwarden-lock kind=flock host=nas1 pid=4242 job=nightly run=17 started=2025-01-02T03:04:05Z</c>.
/// A file whose content does not start with <c>syncwarden-lock</c> belongs to another product (Veeam, ...).
/// </summary>
public sealed record LockHolder(HolderKind Kind, string Host, int Pid, string? Job, long? Run, DateTimeOffset Started)
{
    public const string Magic = "syncwarden-lock";

    public string Format()
    {
        var line = new StringBuilder(Magic)
            .Append(" kind=").Append(Kind == HolderKind.Flock ? "flock" : "file")
            .Append(" host=").Append(Clean(Host))
            .Append(" pid=").Append(Pid.ToString(CultureInfo.InvariantCulture));
        if (Job is { } job)
        {
            line.Append(" job=").Append(Clean(job));
        }
        if (Run is { } run)
        {
            line.Append(" run=").Append(run.ToString(CultureInfo.InvariantCulture));
        }
        line.Append(" started=").Append(Started.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture));
        return line.Append('\n').ToString();
    }

    /// <summary>Parses the first line of a lock file; null when it is not a syncwarden holder line.</summary>
    public static LockHolder? TryParse(string content)
    {
        var line = content.Split('\n', 2)[0].Trim();
        var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (words.Length == 0 || words[0] != Magic)
        {
            return null;
        }
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var word in words.Skip(1))
        {
            var eq = word.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0)
            {
                values[word[..eq]] = word[(eq + 1)..];
            }
        }
        if (!values.TryGetValue("kind", out var kind) || kind is not ("flock" or "file")
            || !values.TryGetValue("pid", out var pidText) || !int.TryParse(pidText, NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
            || !values.TryGetValue("started", out var startedText)
            || !DateTimeOffset.TryParse(startedText, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var started))
        {
            return null;
        }
        long? run = values.TryGetValue("run", out var runText) && long.TryParse(runText, NumberStyles.None, CultureInfo.InvariantCulture, out var r) ? r : null;
        return new LockHolder(kind == "flock" ? HolderKind.Flock : HolderKind.File, values.GetValueOrDefault("host", "?"), pid,
            values.GetValueOrDefault("job"), run, started);
    }

    /// <summary>True for content written by a syncwarden run that holds the file with flock (so "present, not held" means aborted).</summary>
    public static bool IsFlockHolder(string content) => TryParse(content) is { Kind: HolderKind.Flock };

    /// <summary>For messages: the holder line, or a foreign file's first line, or "(empty)".</summary>
    public static string Describe(string content)
    {
        var first = content.Split('\n', 2)[0].Trim();
        if (first.Length > 200)
        {
            first = first[..200] + "...";
        }
        return first.Length == 0 ? "(empty)" : first;
    }

    private static string Clean(string value) =>
        string.Concat(value.Select(c => char.IsWhiteSpace(c) || char.IsControl(c) ? '_' : c));
}
