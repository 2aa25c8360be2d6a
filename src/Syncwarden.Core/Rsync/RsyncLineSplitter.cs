using System.Text;

namespace Syncwarden.Rsync;

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
/// </remarks>
public sealed class RsyncLineSplitter
{
    public const int MaxSegmentLength = 64 * 1024;

    private readonly Action<string, bool> _onSegment;
    private readonly StringBuilder _buffer = new();
    private bool _lastTerminatorWasCarriageReturn;

    public RsyncLineSplitter(Action<string, bool> onSegment)
    {
        ArgumentNullException.ThrowIfNull(onSegment);
        _onSegment = onSegment;
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

            Append(chunk[..end]);
            Emit(endedWithCarriageReturn: chunk[end] == '\r');
            chunk = chunk[(end + 1)..];
        }
    }

    /// <summary>Emits whatever text is pending (the process exited without a final newline).</summary>
    public void Flush()
    {
        if (_buffer.Length > 0)
        {
            Emit(endedWithCarriageReturn: false);
        }
    }

    private void Append(ReadOnlySpan<char> text)
    {
        while (_buffer.Length + text.Length > MaxSegmentLength)
        {
            var room = MaxSegmentLength - _buffer.Length;
            _buffer.Append(text[..room]);
            text = text[room..];
            Emit(endedWithCarriageReturn: false);
        }

        _buffer.Append(text);
    }

    private void Emit(bool endedWithCarriageReturn)
    {
        var skip = _buffer.Length == 0 && (endedWithCarriageReturn || _lastTerminatorWasCarriageReturn);
        _lastTerminatorWasCarriageReturn = endedWithCarriageReturn;
        if (skip)
        {
            return;
        }

        var text = _buffer.ToString();
        _buffer.Clear();
        _onSegment(text, endedWithCarriageReturn);
    }
}
