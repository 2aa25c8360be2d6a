using Syncwarden.Rsync;

namespace Syncwarden.Runs.Steps;

/// <summary>
/// What a transfer does with each segment rsync prints on stdout, on the thread that reads it. rsync
/// prints a progress update per file; every one is checked (so a line is judged exactly as before), but
/// only one per <see cref="ProgressInterval"/> becomes an event, and the last one always does at the
/// end: watchers draw at most ten times a second, and an event per file cost more than rsync's own
/// work on trees of small files. Everything else goes to the statistics and the run log. Nothing here
/// allocates per line.
/// </summary>
internal sealed class TransferOutput(RunContext context, int index, string label)
{
    public static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(100);

    // The newest update held back, as text: parsed only if it ends up published.
    private char[] _heldBack = new char[128];
    private int _heldBackLength;
    private long _lastPublished;
    private bool _publishedAny;

    public StatsParser Stats { get; } = new();

    /// <summary>Bytes moved by the last published progress update: what a run reports when rsync ends without its statistics.</summary>
    public long ProgressBytes { get; private set; }

    /// <summary>The highest transfer number seen in published progress, for the same purpose.</summary>
    public long ProgressFiles { get; private set; }

    public void Segment(ReadOnlySpan<char> segment, bool endedWithCarriageReturn)
    {
        if (ProgressParser.IsProgress(segment))
        {
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
        context.Log.Output(segment);
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
        if (ProgressParser.TryParse(segment, out var progress))
        {
            ProgressBytes = progress.BytesTransferred;
            ProgressFiles = Math.Max(ProgressFiles, progress.TransferNumber ?? 0);
            // Publishing only queues the event: a slow watcher never holds up rsync's output.
            context.Report.Progress(index, label, progress);
        }
        context.Log.FlushIfDue();
    }
}
