namespace Syncwarden.Rsync;

/// <summary>Receives one segment of output: a view that is valid only during the call.</summary>
public delegate void SegmentHandler(ReadOnlySpan<char> text, bool endedWithCarriageReturn);

/// <summary>
/// Splits rsync's raw stdout into segments on '\r' and '\n'. --info=progress2 rewrites its
/// status line with '\r' (each update starts with '\r'), everything else ends with '\n'.
/// </summary>
/// <remarks>
/// The callback receives the segment text without its terminator and whether the terminator
/// was '\r'. Empty segments between a '\r' and the next terminator are dropped (the leading
/// '\r' of each progress update would otherwise produce one per update); empty lines that end
/// in '\n' after a '\n' are kept, so the blank line before the --stats block survives.
/// A segment longer than <see cref="MaxSegmentLength"/> is cut there so a misbehaving child
/// cannot grow the buffer without bound.
/// A segment that lies whole in one chunk is handed on as a view of that chunk; only a segment
/// split across chunks is copied, into a buffer that is reused, so splitting allocates nothing
/// per line.
/// </remarks>
public sealed class RsyncLineSplitter
{
    public const int MaxSegmentLength = 64 * 1024;

    private readonly SegmentHandler _onSegment;
    private char[] _pending = new char[256];
    private int _pendingLength;
    private bool _lastTerminatorWasCarriageReturn;

    public RsyncLineSplitter(SegmentHandler onSegment)
    {
        ArgumentNullException.ThrowIfNull(onSegment);
        _onSegment = onSegment;
    }

    /// <summary>For callers that keep segments: each one becomes a string.</summary>
    public RsyncLineSplitter(Action<string, bool> onSegment)
    {
        ArgumentNullException.ThrowIfNull(onSegment);
        _onSegment = (text, endedWithCarriageReturn) => onSegment(text.ToString(), endedWithCarriageReturn);
    }

    public void Feed(ReadOnlySpan<char> chunk)
    {
        while (!chunk.IsEmpty)
        {
            var end = chunk.IndexOfAny('\r', '\n');
            if (end < 0)
            {
                Append(chunk);
                return;
            }

            var endedWithCarriageReturn = chunk[end] == '\r';
            if (_pendingLength == 0 && end <= MaxSegmentLength)
            {
                Emit(chunk[..end], endedWithCarriageReturn);
            }
            else
            {
                Append(chunk[..end]);
                EmitPending(endedWithCarriageReturn);
            }
            chunk = chunk[(end + 1)..];
        }
    }

    /// <summary>Emits whatever text is pending (the process exited without a final newline).</summary>
    public void Flush()
    {
        if (_pendingLength > 0)
        {
            EmitPending(endedWithCarriageReturn: false);
        }
    }

    private void Append(ReadOnlySpan<char> text)
    {
        while (_pendingLength + text.Length > MaxSegmentLength)
        {
            var room = MaxSegmentLength - _pendingLength;
            AppendPending(text[..room]);
            text = text[room..];
            EmitPending(endedWithCarriageReturn: false);
        }

        AppendPending(text);
    }

    private void AppendPending(ReadOnlySpan<char> text)
    {
        if (_pendingLength + text.Length > _pending.Length)
        {
            Array.Resize(ref _pending, Math.Min(MaxSegmentLength, Math.Max(_pending.Length * 2, _pendingLength + text.Length)));
        }
        text.CopyTo(_pending.AsSpan(_pendingLength));
        _pendingLength += text.Length;
    }

    private void EmitPending(bool endedWithCarriageReturn)
    {
        var length = _pendingLength;
        _pendingLength = 0;
        Emit(_pending.AsSpan(0, length), endedWithCarriageReturn);
    }

    private void Emit(ReadOnlySpan<char> text, bool endedWithCarriageReturn)
    {
        var skip = text.IsEmpty && (endedWithCarriageReturn || _lastTerminatorWasCarriageReturn);
        _lastTerminatorWasCarriageReturn = endedWithCarriageReturn;
        if (!skip)
        {
            _onSegment(text, endedWithCarriageReturn);
        }
    }
}
