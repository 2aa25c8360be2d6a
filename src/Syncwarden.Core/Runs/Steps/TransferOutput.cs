using Syncwarden.Rsync;

namespace Syncwarden.Runs.Steps;

/// <summary>
/// What a transfer does with each segment rsync prints on stdout, on the thread that reads it. rsync
/// prints a progress update per file; every one is checked (so a line is judged exactly as before), but
/// only one per <see cref="ProgressInterval"/> becomes an event, and the last one always does at the
/// end: watchers draw at most ten times a second, and an event per file cost more than rsync's own
/// work on trees of small files. Everything else goes to the statistics and the run log. Nothing here
/// allocates per line: the counters and the name of the file being transferred are kept from every line
/// (rsync prints the name before the file's data), and become objects only when an update is published.
/// </summary>
internal sealed class TransferOutput(RunContext context, int index, string label)
{
    public static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(100);

    // The newest update held back, as text: parsed only if it ends up published.
    private char[] _heldBack = new char[128];
    private int _heldBackLength;
    private long _lastPublished;
    private bool _publishedAny;
    private readonly long _started = context.Time.GetTimestamp();

    // The newest counters seen on any progress line ("(xfr#N, to-chk=R/T)" is only printed as a file ends).
    private long? _remaining;
    private long? _total;
    private bool _incremental;

    // The name of the newest file rsync announced, as text; a string only when published and changed.
    private char[] _current = new char[128];
    private int _currentLength;
    private string? _currentText;
    // Whether the log holds that name only in its buffer (see EndOfChunk).
    private bool _fileLineUnflushed;

    public StatsParser Stats { get; } = new();

    /// <summary>Bytes moved by the last published progress update: what a run reports when rsync ends without its statistics.</summary>
    public long ProgressBytes { get; private set; }

    /// <summary>The highest transfer number rsync printed so far, for the same purpose.</summary>
    public long ProgressFiles { get; private set; }

    public void Segment(ReadOnlySpan<char> segment, bool endedWithCarriageReturn)
    {
        if (ProgressParser.IsProgress(segment, out var transfer, out var remaining, out var total, out var incremental))
        {
            if (total is not null)
            {
                ProgressFiles = Math.Max(ProgressFiles, transfer ?? 0);
                (_remaining, _total, _incremental) = (remaining, total, incremental);
            }
            var now = context.Time.GetTimestamp();
            if (_publishedAny && context.Time.GetElapsedTime(_lastPublished, now) < ProgressInterval)
            {
                HoldBack(segment);
            }
            else
            {
                Publish(segment, now);
            }
            return;
        }
        if (segment.IsEmpty)
        {
            return;
        }
        Stats.Feed(segment);
        NoteFile(segment);
        context.Log.Output(segment);
    }

    /// <summary>
    /// The name in rsync's "%i %n%L" line of a regular file being sent or received (">f+++++++++ dir/name": 11 flag
    /// characters, a space, the name, still escaped), or an empty span for any other line. rsync prints it as the file's
    /// data starts, so the last one of a sync names the file in flight when the sync stopped.
    /// </summary>
    public static ReadOnlySpan<char> TransferredFileName(ReadOnlySpan<char> line) =>
        line.Length <= 12 || line[0] is not ('<' or '>') || line[1] != 'f' || line[11] != ' ' ? [] : line[12..];

    private void NoteFile(ReadOnlySpan<char> segment)
    {
        var name = TransferredFileName(segment);
        if (name.IsEmpty)
        {
            return;
        }
        if (name.Length > _current.Length)
        {
            _current = new char[name.Length];
        }
        name.CopyTo(_current);
        _currentLength = name.Length;
        _currentText = null;
        _fileLineUnflushed = true;
    }

    private string? CurrentFile()
    {
        if (_currentText is null && _currentLength > 0)
        {
            // rsync escapes unprintable bytes of names as \#ooo (LC_ALL=C).
            _currentText = RsyncEscapes.Unescape(new string(_current, 0, _currentLength));
        }
        return _currentText;
    }

    /// <summary>
    /// Call after each piece of output read from rsync: if it named a file, the log is written out now, so the log of a
    /// run killed in the middle of a file still names that file (<see cref="InterruptedFile"/> reads it back). Output is
    /// read in batches (at most one read every 20 ms while rsync is slow to write), so this is not a write per file.
    /// </summary>
    public void EndOfChunk()
    {
        if (_fileLineUnflushed)
        {
            _fileLineUnflushed = false;
            context.Log.Flush();
        }
    }

    /// <summary>Publishes the last progress update if it was held back; call once rsync's output has ended.</summary>
    public void Complete()
    {
        if (_heldBackLength > 0)
        {
            Publish(_heldBack.AsSpan(0, _heldBackLength), context.Time.GetTimestamp());
        }
    }

    private void HoldBack(ReadOnlySpan<char> segment)
    {
        if (segment.Length > _heldBack.Length)
        {
            _heldBack = new char[segment.Length];
        }
        segment.CopyTo(_heldBack);
        _heldBackLength = segment.Length;
    }

    private void Publish(ReadOnlySpan<char> segment, long now)
    {
        _heldBackLength = 0;
        _publishedAny = true;
        _lastPublished = now;
        if (ProgressParser.TryParse(segment, out var parsed))
        {
            // The held-back text may be an update without counters: the newest ones seen go with it.
            var progress = parsed with
            {
                ToCheckRemaining = _remaining,
                ToCheckTotal = _total,
                IncrementalScan = _incremental,
                FilesTransferred = ProgressFiles,
                CurrentFile = CurrentFile(),
                Elapsed = context.Time.GetElapsedTime(_started, now),
            };
            ProgressBytes = progress.BytesTransferred;
            // Publishing only queues the event: a slow watcher never holds up rsync's output.
            context.Report.Progress(index, label, progress);
        }
        context.Log.FlushIfDue();
    }
}
