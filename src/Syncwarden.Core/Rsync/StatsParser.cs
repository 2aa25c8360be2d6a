namespace Syncwarden.Rsync;

/// <summary>
/// Collects rsync's --stats block from stdout, one line at a time. Lines that are not part of
/// the block (progress, itemized changes, the "sent … received …" trailer) are ignored, so the
/// whole stdout can be fed. Numbers carry thousands separators ("Total file size: 30,001,334 bytes");
/// scaled numbers from -h/-hh ("30.00M") are ignored, so run rsync without -h.
/// </summary>
public sealed class StatsParser
{
    private RsyncStats _result = RsyncStats.Empty;

    /// <summary>True once the "Number of files:" line that opens the block was seen.</summary>
    public bool SawStats { get; private set; }

    public RsyncStats Result => _result;

    public void Feed(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        Feed(line.AsSpan());
    }

    public void Feed(ReadOnlySpan<char> line)
    {
        var colon = line.IndexOf(": ", StringComparison.Ordinal);
        if (colon <= 0)
        {
            return;
        }

        var label = line[..colon];
        var value = line[(colon + 2)..].Trim();
        switch (label)
        {
            case "Number of files":
                if (TryLeadingNumber(value, out var files))
                {
                    SawStats = true;
                    _result = _result with
                    {
                        NumberOfFiles = files,
                        RegularFiles = Breakdown(value, "reg"),
                        Directories = Breakdown(value, "dir"),
                    };
                }

                break;
            case "Number of created files":
                Set(value, n => _result with { CreatedFiles = n });
                break;
            case "Number of deleted files":
                Set(value, n => _result with { DeletedFiles = n });
                break;
            case "Number of regular files transferred":
                Set(value, n => _result with { RegularFilesTransferred = n });
                break;
            case "Total file size":
                Set(value, n => _result with { TotalFileSize = n });
                break;
            case "Total transferred file size":
                Set(value, n => _result with { TotalTransferredFileSize = n });
                break;
            case "Literal data":
                Set(value, n => _result with { LiteralData = n });
                break;
            case "Matched data":
                Set(value, n => _result with { MatchedData = n });
                break;
            case "Total bytes sent":
                Set(value, n => _result with { TotalBytesSent = n });
                break;
            case "Total bytes received":
                Set(value, n => _result with { TotalBytesReceived = n });
                break;
            default:
                break;
        }
    }

    private void Set(ReadOnlySpan<char> value, Func<long, RsyncStats> update)
    {
        if (TryLeadingNumber(value, out var number))
        {
            _result = update(number);
        }
    }

    // "30,001,334 bytes", "7 (reg: 5, dir: 2)", "0"
    private static bool TryLeadingNumber(ReadOnlySpan<char> value, out long number)
    {
        var end = value.IndexOf(' ');
        return RsyncNumber.TryParseLong(end < 0 ? value : value[..end], out number);
    }

    // The "(reg: 5, dir: 2, link: 1)" part; a kind rsync leaves out is zero.
    private static long Breakdown(ReadOnlySpan<char> value, string kind)
    {
        var open = value.IndexOf('(');
        if (open < 0 || value[^1] != ')')
        {
            return 0;
        }

        foreach (var range in value[(open + 1)..^1].Split(", "))
        {
            var part = value[(open + 1)..^1][range];
            var sep = part.IndexOf(": ", StringComparison.Ordinal);
            if (sep > 0 && part[..sep].SequenceEqual(kind) && RsyncNumber.TryParseLong(part[(sep + 2)..], out var n))
            {
                return n;
            }
        }

        return 0;
    }
}
