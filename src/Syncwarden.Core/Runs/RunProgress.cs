using Syncwarden.Events;
using Syncwarden.Rsync;

namespace Syncwarden.Runs;

public enum RunPhase { Starting, Hooks, Waiting, Checking, Previewing, Transferring, Retrying, Finishing, Dumping }

/// <summary>What a running job is doing now, folded from its events: for status, the terminal and the web page.</summary>
public sealed record RunProgress(
    string Job,
    long RunId,
    RunPhase Phase,
    int SyncIndex,
    int SyncCount,
    string? Sync,
    RsyncProgress? Transfer,
    string? Message = null)
{
    /// <summary>How far the current sync is (<see cref="RsyncProgress.OverallPercent"/>: bytes moved or files checked, whichever is further).</summary>
    public int Percent => Transfer?.OverallPercent ?? 0;
    public double BytesPerSecond => Transfer?.BytesPerSecond ?? 0;
    /// <summary>Time left in the current sync (<see cref="RsyncProgress.EstimatedEta"/>); null when not known.</summary>
    public TimeSpan? Eta => Transfer?.EstimatedEta;
    public long BytesDone => Transfer?.BytesTransferred ?? 0;
    /// <summary>Size of the files in the sync's list, once known (<see cref="RsyncProgress.BytesTotal"/>).</summary>
    public long? BytesTotal => Transfer?.BytesTotal;
    public long? FilesDone => Transfer?.FilesChecked;
    public long? FilesTotal => Transfer?.ToCheckTotal;
    /// <summary>True while rsync is still adding to the file list, so totals, percent and ETA are not final.</summary>
    public bool TotalGrowing => Transfer?.TotalGrowing ?? false;
    public string? CurrentFile => Transfer?.CurrentFile;

    /// <summary>
    /// The state after <paramref name="runEvent"/>: null once the run finished (or for events about
    /// nothing running); unchanged for events that do not move the run.
    /// </summary>
    public static RunProgress? Apply(RunProgress? current, RunEvent runEvent) => runEvent switch
    {
        RunStarted s => new RunProgress(s.Job, s.Run.Id, RunPhase.Starting, 0, s.SyncCount, null, null),
        RunStageChanged c => new RunProgress(c.Job, c.RunId, c.Stage, c.SyncIndex, c.SyncCount, c.Sync, null, c.Detail),
        RunWaiting w => (current ?? new RunProgress(w.Job, w.RunId, RunPhase.Waiting, 0, 0, null, null)) with { Phase = RunPhase.Waiting, Message = w.Reason, Transfer = null },
        RunProgressed p => new RunProgress(p.Job, p.RunId, RunPhase.Transferring, p.SyncIndex, p.SyncCount, p.Sync, p.Transfer),
        RunFinished => null,
        _ => current,
    };

    /// <summary>One short phrase: "transferring 45%", "waiting: lock nas1:/x held by ...".</summary>
    public string Activity => this switch
    {
        { Phase: RunPhase.Transferring } => $"transferring {Percent}%",
        { Message: { } message } => $"{Phase.ToString().ToLowerInvariant()}: {message}",
        _ => Phase.ToString().ToLowerInvariant(),
    };
}

/// <summary>The latest <see cref="RunProgress"/> of every running job, kept up to date from the event hub.</summary>
public sealed class LiveRuns : IRunEventSubscriber
{
    private readonly Dictionary<string, RunProgress> _current = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public string Name => "live runs";

    public ValueTask HandleAsync(RunEvent runEvent, CancellationToken cancellationToken)
    {
        if (runEvent.Job is { } job)
        {
            lock (_lock)
            {
                if (RunProgress.Apply(_current.GetValueOrDefault(job), runEvent) is { } next)
                {
                    _current[job] = next;
                }
                else
                {
                    _current.Remove(job);
                }
            }
        }
        return ValueTask.CompletedTask;
    }

    public RunProgress? Get(string job)
    {
        lock (_lock)
        {
            return _current.GetValueOrDefault(job);
        }
    }

    public IReadOnlyList<RunProgress> Snapshot()
    {
        lock (_lock)
        {
            return [.. _current.Values];
        }
    }
}
