using System.Globalization;
using Syncwarden.Events;
using Syncwarden.Runs;

namespace Syncwarden.Cli.Output;

/// <summary>
/// Shows run progress on stderr, as a watcher of the run events: a redrawn bar on a terminal, or one plain line every few seconds
/// when stderr is a file or pipe (cron mail, journald). The bar is the transient line of <paramref name="stderr"/>, which the
/// log wipes before each of its lines.
/// </summary>
internal sealed class TerminalProgress(StderrLine stderr, bool interactive) : IRunEventSubscriber
{
    private static readonly TimeSpan s_plainInterval = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan s_redrawInterval = TimeSpan.FromMilliseconds(100);
    private DateTimeOffset _lastDraw = DateTimeOffset.MinValue;
    private RunPhase? _lastPhase;
    // The same fold of events into each run's state as `status` uses.
    private readonly LiveRuns _runs = new();
    private DateTimeOffset _lastPlain = DateTimeOffset.MinValue;

    public string Name => "terminal progress";

    /// <summary>Called by the hub's task for this watcher, one event at a time.</summary>
    public async ValueTask HandleAsync(RunEvent runEvent, CancellationToken cancellationToken)
    {
        if (runEvent.Job is not { } job)
        {
            return;
        }
        var before = _runs.Get(job);
        await _runs.HandleAsync(runEvent, cancellationToken).ConfigureAwait(false);
        var next = _runs.Get(job);
        if (next is null)
        {
            stderr.Clear();
        }
        else if (!ReferenceEquals(next, before))
        {
            Draw(next);
        }
    }

    private void Draw(RunProgress p)
    {
        if (interactive && p.Phase == _lastPhase && DateTimeOffset.UtcNow - _lastDraw < s_redrawInterval)
        {
            // rsync reports once per finished file; ten redraws a second are plenty.
            return;
        }
        _lastPhase = p.Phase;
        _lastDraw = DateTimeOffset.UtcNow;
        var text = Describe(p);
        if (interactive)
        {
            var width = Math.Max(40, SafeWidth() - 1);
            if (text.Length > width)
            {
                text = text[..width];
            }
            stderr.Show(text.PadRight(width));
        }
        else if (DateTimeOffset.UtcNow - _lastPlain >= s_plainInterval || p.Phase != RunPhase.Transferring)
        {
            _lastPlain = DateTimeOffset.UtcNow;
            stderr.ShowAsLine(text);
        }
    }

    public static string Describe(RunProgress p)
    {
        var head = $"{p.Job} [{p.SyncIndex + 1}/{p.SyncCount}]";
        if (p.Phase != RunPhase.Transferring || p.Transfer is not { } t)
        {
            return $"{head} {p.Phase.ToString().ToLowerInvariant()}" + (p.Message is { } m ? ": " + m : p.Sync is { } s ? " " + s : "");
        }
        const int barWidth = 24;
        var filled = Math.Clamp(p.Percent * barWidth / 100, 0, barWidth);
        var eta = p.Eta is { } e ? e.ToString(e.TotalHours >= 1 ? @"h\:mm\:ss" : @"m\:ss", CultureInfo.InvariantCulture) : "--:--";
        var files = p.FilesTotal is { } total ? $" {p.FilesDone}/{total}{(p.TotalGrowing ? "+" : "")} files" : "";
        var current = p.CurrentFile is { } file ? " " + file : "";
        return $"{head} [{new string('#', filled)}{new string('.', barWidth - filled)}] {p.Percent,3}% {Format.Bytes(t.BytesTransferred)} {Format.Bytes(t.BytesPerSecond)}/s ETA {eta}{files}{current}";
    }

    private static int SafeWidth()
    {
        try
        {
            return Console.WindowWidth > 0 ? Console.WindowWidth : 100;
        }
        catch (IOException)
        {
            return 100;
        }
    }
}
