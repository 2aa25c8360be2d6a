using System.Text.RegularExpressions;
using Syncwarden.Rsync;

namespace Syncwarden.Runs.Steps;

/// <summary>
/// Which file a sync was transferring when its run stopped, read back from that run's log. The partial folder at an
/// absolute path keeps interrupted files by name alone (rsync's rule for such a folder), so two files of one name in
/// different folders share one partial file, and rsync removes it when it meets the other one first (up to date) or
/// uses it as that file's basis: the interrupted file would start again from nothing. Knowing its path lets the next
/// run resume it first (<see cref="SyncsStep"/>).
/// </summary>
internal static partial class InterruptedFile
{
    /// <summary>The line <see cref="SyncsStep"/> notes before each sync, as <see cref="RunLog.Note"/> writes it.</summary>
    public static string SyncHeading(int index, int count, string label) => $"sync {index + 1}/{count}: {label}";

    /// <summary>
    /// The path (relative to the sync's transfer root, unescaped) of the last regular file rsync started in the last
    /// section of <paramref name="logPath"/> headed <paramref name="heading"/>, unless rsync printed its statistics after
    /// it (then it ended on its own); null when there is none or no such log.
    /// </summary>
    public static string? LastStarted(string? logPath, string heading)
    {
        if (logPath is null || !File.Exists(logPath))
        {
            return null;
        }
        string? last = null;
        var inSection = false;
        try
        {
            foreach (var line in File.ReadLines(logPath))
            {
                if (line.StartsWith("# ", StringComparison.Ordinal) && Heading().Match(line) is { Success: true } match)
                {
                    inSection = match.Groups[1].Value == heading;
                    if (inSection)
                    {
                        last = null; // a later section of the same sync (a run's log has one; kept simple and safe)
                    }
                    continue;
                }
                if (!inSection)
                {
                    continue;
                }
                if (TransferOutput.TransferredFileName(line) is { IsEmpty: false } name)
                {
                    last = name.ToString();
                }
                else if (line.StartsWith(StatsStart, StringComparison.Ordinal))
                {
                    // rsync got to its statistics: it ended on its own, not in the middle of that file.
                    last = null;
                }
            }
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
        return last is null ? null : RsyncEscapes.Unescape(last);
    }

    // The first line of rsync's --stats, printed once the transfer is over.
    private const string StatsStart = "Number of files: ";

    // "# 2026-12-02 03:21:30 sync 1/2: SOURCE -> DESTINATION" (RunLog.Note's time stamp, then the heading).
    [GeneratedRegex(@"^# \d{4}-\d\d-\d\d \d\d:\d\d:\d\d (sync \d+/\d+: .*)$")]
    private static partial Regex Heading();
}
