using Syncwarden.Rsync;

namespace Syncwarden.Runs;

public enum RunPhase { Starting, Hooks, Waiting, Checking, Previewing, Transferring, Retrying, Finishing, Done }

/// <summary>A snapshot of a running job, for the terminal, the web page and metrics.</summary>
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
    public int Percent => Transfer?.Percent ?? 0;
    public double BytesPerSecond => Transfer?.BytesPerSecond ?? 0;
    /// <summary>Time left; rsync prints elapsed time instead on the line closing each file, so those give none.</summary>
    public TimeSpan? Eta => Transfer is { TimeIsElapsed: false } t ? t.Eta : null;
}

/// <summary>The in-process progress model: the latest snapshot of every job that is running.</summary>
public sealed class ProgressBoard
{
    private readonly Dictionary<string, RunProgress> _current = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    public event Action<RunProgress>? Changed;

    public void Report(RunProgress progress)
    {
        lock (_lock)
        {
            if (progress.Phase == RunPhase.Done)
            {
                _current.Remove(progress.Job);
            }
            else
            {
                _current[progress.Job] = progress;
            }
        }
        Changed?.Invoke(progress);
    }

    public IReadOnlyList<RunProgress> Snapshot()
    {
        lock (_lock)
        {
            return [.. _current.Values];
        }
    }
}
