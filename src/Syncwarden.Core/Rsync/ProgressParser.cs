namespace Syncwarden.Rsync;

/// <summary>Parses one --info=progress2 segment, e.g.
/// <c>     32,768,000 100%   11.22MB/s    0:00:02 (xfr#3, to-chk=0/5)</c>.</summary>
/// <remarks>
/// rsync 3.5.0 prints "\r%15s %3d%% %7.2f%s %s%s": size with thousands separators, percent,
/// rate with a kB/s, MB/s or GB/s suffix (1024 multiples), "H:MM:SS" or "??:??:??", then either
/// two spaces or " (xfr#N, to-chk=R/T)" / " (xfr#N, ir-chk=R/T)" padded with spaces.
/// Sizes scaled by -h/-hh ("32.77M") are not accepted; run rsync without -h and with LC_ALL=C.
/// </remarks>
public static class ProgressParser
{
    public static bool TryParse(ReadOnlySpan<char> line, out RsyncProgress progress)
    {
        progress = null!;
        if (!TryParse(line, out var bytes, out var percent, out var rate, out var time, out var transfer, out var remaining, out var total, out var incremental))
        {
            return false;
        }

        progress = new RsyncProgress(bytes, percent, rate, time, transfer, remaining, total)
        {
            IncrementalScan = incremental,
        };
        return true;
    }

    /// <summary>Whether <see cref="TryParse(ReadOnlySpan{char}, out RsyncProgress)"/> would accept the line, without allocating.</summary>
    public static bool IsProgress(ReadOnlySpan<char> line) => TryParse(line, out _, out _, out _, out _, out _, out _, out _, out _);

    /// <summary>
    /// Like <see cref="IsProgress"/>, and also gives the line's counters ("(xfr#N, to-chk=R/T)"; null on the updates
    /// printed while a file is still moving), without allocating.
    /// </summary>
    public static bool IsProgress(ReadOnlySpan<char> line, out long? transfer, out long? remaining, out long? total, out bool incremental) =>
        TryParse(line, out _, out _, out _, out _, out transfer, out remaining, out total, out incremental);

    private static bool TryParse(
        ReadOnlySpan<char> line, out long bytes, out int percent, out double rate, out TimeSpan? time,
        out long? transfer, out long? remaining, out long? total, out bool incremental)
    {
        bytes = 0;
        percent = 0;
        rate = 0;
        time = null;
        transfer = remaining = total = null;
        incremental = false;
        var rest = line.Trim(" \t\r\n");

        if (!TakeToken(ref rest, out var bytesText) || !RsyncNumber.TryParseLong(bytesText, out bytes))
        {
            return false;
        }

        if (!TakeToken(ref rest, out var percentText) || !TryParsePercent(percentText, out percent))
        {
            return false;
        }

        if (!TakeToken(ref rest, out var rateText) || !TryParseRate(rateText, out rate))
        {
            return false;
        }

        if (!TakeToken(ref rest, out var timeText) || !TryParseTime(timeText, out time))
        {
            return false;
        }

        return rest.IsEmpty || TryParseCounters(rest, out transfer, out remaining, out total, out incremental);
    }

    private static bool TakeToken(ref ReadOnlySpan<char> rest, out ReadOnlySpan<char> token)
    {
        rest = rest.TrimStart(' ');
        var end = rest.IndexOf(' ');
        token = end < 0 ? rest : rest[..end];
        rest = end < 0 ? [] : rest[end..].TrimStart(' ');
        return !token.IsEmpty;
    }

    private static bool TryParsePercent(ReadOnlySpan<char> text, out int percent)
    {
        percent = 0;
        if (text.Length < 2 || text[^1] != '%' || !RsyncNumber.TryParseLong(text[..^1], out var value) || value > 100)
        {
            return false;
        }

        percent = (int)value;
        return true;
    }

    private static bool TryParseRate(ReadOnlySpan<char> text, out double bytesPerSecond)
    {
        bytesPerSecond = 0;
        double multiplier;
        if (text.EndsWith("kB/s", StringComparison.Ordinal))
        {
            multiplier = 1024d;
        }
        else if (text.EndsWith("MB/s", StringComparison.Ordinal))
        {
            multiplier = 1024d * 1024;
        }
        else if (text.EndsWith("GB/s", StringComparison.Ordinal))
        {
            multiplier = 1024d * 1024 * 1024;
        }
        else
        {
            return false;
        }

        if (!RsyncNumber.TryParseDouble(text[..^4], out var value))
        {
            return false;
        }

        bytesPerSecond = value * multiplier;
        return true;
    }

    private static bool TryParseTime(ReadOnlySpan<char> text, out TimeSpan? time)
    {
        time = null;
        if (text.SequenceEqual("??:??:??"))
        {
            return true;
        }

        var firstColon = text.IndexOf(':');
        var lastColon = text.LastIndexOf(':');
        if (firstColon <= 0 || lastColon != firstColon + 3 || text.Length != lastColon + 3)
        {
            return false;
        }

        if (!RsyncNumber.TryParseLong(text[..firstColon], out var hours)
            || !TryParseTwoDigits(text.Slice(firstColon + 1, 2), out var minutes)
            || !TryParseTwoDigits(text[(lastColon + 1)..], out var seconds)
            || minutes > 59 || seconds > 59 || text[..firstColon].Contains(','))
        {
            return false;
        }

        time = new TimeSpan((int)Math.Min(hours, int.MaxValue / 2), (int)minutes, (int)seconds);
        return true;
    }

    private static bool TryParseTwoDigits(ReadOnlySpan<char> text, out long value)
    {
        value = 0;
        return text.Length == 2 && char.IsAsciiDigit(text[0]) && char.IsAsciiDigit(text[1])
            && RsyncNumber.TryParseLong(text, out value);
    }

    // "(xfr#5, to-chk=0/7)" possibly followed by padding (already trimmed).
    private static bool TryParseCounters(
        ReadOnlySpan<char> text, out long? transfer, out long? remaining, out long? total, out bool incremental)
    {
        transfer = remaining = total = null;
        incremental = false;
        if (!text.StartsWith("(xfr#", StringComparison.Ordinal) || text[^1] != ')')
        {
            return false;
        }

        text = text[5..^1];
        var comma = text.IndexOf(',');
        if (comma < 0 || !RsyncNumber.TryParseLong(text[..comma], out var xfr))
        {
            return false;
        }

        var check = text[(comma + 1)..].TrimStart(' ');
        if (check.StartsWith("ir-chk=", StringComparison.Ordinal))
        {
            incremental = true;
        }
        else if (!check.StartsWith("to-chk=", StringComparison.Ordinal))
        {
            return false;
        }

        check = check[7..];
        var slash = check.IndexOf('/');
        if (slash < 0
            || !RsyncNumber.TryParseLong(check[..slash], out var left)
            || !RsyncNumber.TryParseLong(check[(slash + 1)..], out var all))
        {
            return false;
        }

        transfer = xfr;
        remaining = left;
        total = all;
        return true;
    }
}
