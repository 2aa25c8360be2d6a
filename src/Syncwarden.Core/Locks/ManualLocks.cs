using Syncwarden.Configuration;

namespace Syncwarden.Locks;

/// <summary>Outcome of one <see cref="ManualLocks.TryAcquireAsync"/> attempt: taken, or the runs it has to wait for.</summary>
public sealed record ManualAcquireAttempt(bool Taken, IReadOnlyList<string> WaitingFor);

/// <summary>
/// Plain lock files for other products (the Veeam pre- and post-scripts): <c>lock acquire</c> waits while a
/// running syncwarden job blocks on or holds the path, then creates it, in one step under the guard.
/// </summary>
public static class ManualLocks
{
    /// <summary>
    /// Waits while running jobs block on or hold <paramref name="path"/>, trying again every <paramref name="wait"/>.Poll
    /// (<see cref="LockWait"/>), then creates it. <paramref name="waiting"/> is told who it waits for, once per change.
    /// </summary>
    /// <exception cref="LockWaitTimeoutException">Still in use when <paramref name="wait"/>.Timeout ran out; nothing was created.</exception>
    public static Task AcquireAsync(string stateDir, string path, BlocksOnSettings wait, TimeProvider time, Action<string> waiting, CancellationToken cancellationToken = default) =>
        LockWait.UntilTakenAsync<string, string>(
            async ct => await TryAcquireAsync(stateDir, path, time, ct).ConfigureAwait(false) is { Taken: false } attempt
                ? (null, string.Join(", ", attempt.WaitingFor))
                : (path, null),
            wait, time, waiting,
            (who, waited) => new LockWaitTimeoutException($"gave up after {DurationParser.Format(waited)}: {path} is still in use by {who}; the lock file was not created"),
            cancellationToken);

    /// <summary>One attempt of <see cref="AcquireAsync"/>, under the guard: creates <paramref name="path"/>, or names the runs in the way.</summary>
    public static async Task<ManualAcquireAttempt> TryAcquireAsync(string stateDir, string path, TimeProvider time, CancellationToken cancellationToken = default)
    {
        using var guard = await LockFiles.TakeGuardAsync(cancellationToken).ConfigureAwait(false);
        var busy = ActiveRuns.Live(stateDir).Where(r => r.Concerns(path))
            .Select(r => $"job {r.Job} (run {r.Run}, pid {r.Pid})").ToList();
        var probe = LockFiles.Probe(path);
        if (probe.State == LockFileState.Held)
        {
            busy.Add(LockHolder.Describe(probe.Content));
        }
        if (busy.Count > 0)
        {
            return new ManualAcquireAttempt(false, busy.Distinct().ToList());
        }
        var dir = Path.GetDirectoryName(path);
        if (dir is { Length: > 0 })
        {
            Directory.CreateDirectory(dir);
        }
        LockFiles.WritePlain(path, new LockHolder(HolderKind.File, Environment.MachineName, Environment.ProcessId, null, null, time.GetUtcNow()).Format());
        return new ManualAcquireAttempt(true, []);
    }

    /// <summary>Removes a plain lock file. False when it did not exist; throws when a running job holds it with flock.</summary>
    public static async Task<bool> ReleaseAsync(string path, CancellationToken cancellationToken = default)
    {
        using var guard = await LockFiles.TakeGuardAsync(cancellationToken).ConfigureAwait(false);
        var probe = LockFiles.Probe(path);
        if (probe.State == LockFileState.Free)
        {
            return false;
        }
        if (probe.State == LockFileState.Held)
        {
            throw new LockException($"{path} is held by a running job ({LockHolder.Describe(probe.Content)}); it is released when that run ends");
        }
        File.Delete(path);
        return true;
    }
}
