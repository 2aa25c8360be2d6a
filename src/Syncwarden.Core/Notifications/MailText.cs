using System.Globalization;
using MimeKit;
using Syncwarden.Configuration;
using Syncwarden.History;

namespace Syncwarden.Notifications;

/// <summary>
/// The mail for a notice. The subject names this host, the job and the result; a good run's text fits in ten lines;
/// a failure says what failed and what to do, quotes the end of the run's log and attaches the log.
/// </summary>
internal static class MailText
{
    public const int MaxSuccessLines = 10;
    public const int LogTailLines = 50;

    public static MimeMessage Build(Notice notice, string sender, IReadOnlyList<string> receivers, string host, JobConfig? job, TimeSpan repeatAfter)
    {
        var message = NewMessage(sender, receivers, Subject(notice, host));
        var body = new BodyBuilder();
        if (notice.Primary == NotifyOn.Failure || (notice.Primary == NotifyOn.None && notice.Run.Result == RunResult.Failed))
        {
            body.TextBody = FailureText(notice, host, repeatAfter);
            if (RunLogFile.ForAttachment(notice.Run.LogFile) is { } log)
            {
                var name = Path.GetFileName(notice.Run.LogFile!);
                body.Attachments.Add(log.Cut ? "end-of-" + name : name, log.Bytes, new ContentType("text", "plain") { Charset = "utf-8" });
            }
        }
        else
        {
            body.TextBody = string.Join('\n', ShortText(notice, host, job).Take(MaxSuccessLines)) + "\n";
        }
        message.Body = body.ToMessageBody();
        return message;
    }

    /// <summary>A machine's mail from <paramref name="sender"/> to <paramref name="receivers"/>, without a body.</summary>
    public static MimeMessage NewMessage(string sender, IReadOnlyList<string> receivers, string subject)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(sender));
        foreach (var receiver in receivers)
        {
            message.To.Add(MailboxAddress.Parse(receiver));
        }
        message.Subject = subject;
        // Vacation responders and the like must not answer a machine.
        message.Headers.Add("Auto-Submitted", "auto-generated");
        return message;
    }

    public static string Subject(Notice notice, string host)
    {
        var run = notice.Run;
        var what = notice.Test ? "test message, delivery works"
            : notice.IsReminder ? $"still failing ({notice.Failing!.Failures} failed runs since {Time(notice.Failing.FailingSince)})"
            : notice.Primary switch
            {
                NotifyOn.Start => "started",
                NotifyOn.Success => "succeeded",
                NotifyOn.Warning => "succeeded with warnings",
                NotifyOn.Failure => "FAILED",
                NotifyOn.Recovered => "recovered",
                _ => run.Result.ToKebabCase(),
            };
        return $"[syncwarden] {host}: {run.Job} {what}";
    }

    private static IEnumerable<string> ShortText(Notice notice, string host, JobConfig? job)
    {
        var run = notice.Run;
        if (notice.Test)
        {
            yield return $"A test message from syncwarden on {host} (syncwarden notify test).";
            yield return "Mail from this server reaches you; nothing else happened.";
            yield break;
        }
        if (notice.Primary == NotifyOn.Start)
        {
            yield return $"Job {run.Job} on {host} started at {Time(run.StartedAt)} (run {run.Id}, {run.Trigger.ToKebabCase()}).";
            yield return $"Log: {run.LogFile}";
            yield break;
        }
        yield return $"Job {run.Job} on {host}: {run.Result.ToKebabCase()} at {Time(run.EndedAt ?? run.StartedAt)} (run {run.Id}, {run.Trigger.ToKebabCase()}).";
        if (notice.Events.HasFlag(NotifyOn.Recovered) && notice.Failing is { } failing)
        {
            yield return $"Recovered after {failing.Failures} failed run(s) since {Time(failing.FailingSince)}.";
        }
        yield return $"Duration: {(run.Duration is { } d ? DurationParser.Format(d) : "-")}";
        yield return $"Moved: {run.FilesTransferred} file(s), {ByteSize.Format(run.BytesTransferred)}; {run.FilesDeleted} deleted";
        var warnings = notice.Warnings.Count + (run.Result == RunResult.Warning && run.Error is not null ? 1 : 0);
        var first = run.Result == RunResult.Warning && run.Error is { } e ? e : notice.Warnings.FirstOrDefault();
        yield return warnings == 0 ? "Warnings: none" : $"Warnings: {warnings}, first: {OneLine(first!)}";
        if (notice.Device is { } disk)
        {
            yield return DiskLine(disk);
        }
        foreach (var (path, free) in FreeSpace(job).Take(3))
        {
            yield return $"Free space at {path}: {ByteSize.Format(free)}";
        }
        yield return $"Log: {run.LogFile}";
    }

    private static string FailureText(Notice notice, string host, TimeSpan repeatAfter)
    {
        var run = notice.Run;
        var text = new System.Text.StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Job {run.Job} on {host} FAILED at {Time(run.EndedAt ?? run.StartedAt)} (run {run.Id}, {run.Trigger.ToKebabCase()}")
            .Append(run.Duration is { } d ? $", after {DurationParser.Format(d)}).\n\n" : ").\n\n");
        text.Append(CultureInfo.InvariantCulture, $"What failed: {run.Error ?? "the run failed without a message; see the log"}\n");
        if (run.ExitCode is { } code and not 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"rsync exit code: {code}\n");
        }
        if (run.FailedPaths.Count > 0)
        {
            var more = run.FailedPaths.Count > 10 ? $" (and {run.FailedPaths.Count - 10} more)" : "";
            text.Append(CultureInfo.InvariantCulture, $"Not transferred: {string.Join(", ", run.FailedPaths.Take(10))}{more}\n");
        }
        if (notice.Device is { } disk)
        {
            text.Append(DiskLine(disk)).Append('\n');
        }
        if (notice.Failing is { } failing)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"Failing since {Time(failing.FailingSince)}, {failing.Failures} failed run(s) in a row. While it keeps failing you get this mail at most every {DurationParser.Format(repeatAfter)}, and one when it recovers.\n");
        }
        text.Append("\nWhat to do:\n")
            .Append(CultureInfo.InvariantCulture, $"- {Advice(run)}\n")
            .Append("- Read the end of the log below; the whole log is attached.\n")
            .Append(CultureInfo.InvariantCulture, $"- When it is fixed, run it again now with: syncwarden run {run.Job}   (or wait for its next scheduled run)\n")
            .Append(CultureInfo.InvariantCulture, $"- Past runs: syncwarden history {run.Job}\n");
        var tail = RunLogFile.Tail(run.LogFile, LogTailLines);
        text.Append(CultureInfo.InvariantCulture, $"\nLast {tail.Count} line(s) of the log ({run.LogFile ?? "no log"}):\n");
        foreach (var line in tail)
        {
            text.Append("  ").Append(line).Append('\n');
        }
        return text.ToString();
    }

    private static string Advice(RunRecord run) => run.ExitCode switch
    {
        { } code when RetryPolicy.NetworkExitCodes.Contains(code) =>
            "The host could not be reached or the connection broke: check that it is up, and that ssh to it works as the user syncwarden runs as.",
        23 => "Some files could not be transferred (permissions, unreadable or vanished files): see the paths above.",
        11 => "A file could not be written: check free space and permissions at the destination.",
        null or 0 => "Fix what the message above names (a missing source, a hook, a lock, the disk), then run the job again.",
        _ => "See rsync's own message in the log below.",
    };

    /// <summary>The removable disk the run used, with its free space as measured before it was unmounted.</summary>
    private static string DiskLine(Events.RunDeviceUsed disk) =>
        $"Free space on the disk {disk.Uuid} ({disk.Mountpoint}): "
        + (disk.FreeBytes is { } free ? $"{ByteSize.Format(free)} of {ByteSize.Format(disk.TotalBytes ?? 0)}" : "unknown")
        + (disk.LeftMounted ? "; it is STILL MOUNTED" : "");

    /// <summary>
    /// Free space of the job's destinations on this machine (local and pull jobs); a push job's are remote, and a removable
    /// disk's was measured before it was unmounted (<see cref="DiskLine"/>).
    /// </summary>
    private static IEnumerable<(string Path, long Free)> FreeSpace(JobConfig? job)
    {
        if (job is null || job.Direction == Direction.Push || job.Device is not null)
        {
            yield break;
        }
        foreach (var destination in job.Syncs.Select(s => s.Destination).Distinct())
        {
            long? free;
            try
            {
                free = new DriveInfo(destination).AvailableFreeSpace;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
            {
                free = null;
            }
            if (free is { } f)
            {
                yield return (destination, f);
            }
        }
    }

    private static string OneLine(string text)
    {
        var line = text.ReplaceLineEndings(" ");
        return line.Length <= 160 ? line : line[..157] + "...";
    }

    internal static string Time(DateTimeOffset at) => at.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture);
}
