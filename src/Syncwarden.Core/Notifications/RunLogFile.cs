using System.Text;

namespace Syncwarden.Notifications;

/// <summary>A finished run's log as mails carry it: its last lines in the text, the file (up to a cap) attached.</summary>
internal static class RunLogFile
{
    /// <summary>The largest attachment; a longer log is attached from its end, where the failure is.</summary>
    public const int MaxAttachmentBytes = 10 * 1024 * 1024;

    // Enough for 50 long rsync lines; only the end of a large log is read.
    private const int TailBytes = 256 * 1024;

    public static IReadOnlyList<string> Tail(string? path, int lines)
    {
        if (ReadEnd(path, TailBytes) is not { } bytes)
        {
            return [];
        }
        var all = Encoding.UTF8.GetString(bytes).Split('\n');
        var kept = all.Length > 0 && all[^1].Length == 0 ? all[..^1] : all;
        return kept.Length <= lines ? kept : kept[^lines..];
    }

    /// <summary>The log's bytes (its last <see cref="MaxAttachmentBytes"/>), and whether the start was left out.</summary>
    public static (byte[] Bytes, bool Cut)? ForAttachment(string? path)
    {
        if (ReadEnd(path, MaxAttachmentBytes) is not { } bytes)
        {
            return null;
        }
        long length;
        try
        {
            length = new FileInfo(path!).Length;
        }
        catch (IOException)
        {
            length = bytes.Length;
        }
        return (bytes, length > bytes.Length);
    }

    private static byte[]? ReadEnd(string? path, int max)
    {
        if (path is null)
        {
            return null;
        }
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            var start = Math.Max(0, stream.Length - max);
            stream.Seek(start, SeekOrigin.Begin);
            var buffer = new byte[stream.Length - start];
            stream.ReadExactly(buffer);
            return buffer;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
