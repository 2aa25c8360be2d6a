using Syncwarden.Configuration;
using Syncwarden.Processes;

namespace Syncwarden.Locks;

/// <summary>What keeps a job waiting: the lock (as configured), the file found and who holds it.</summary>
public sealed record LockBlock(LockRef Ref, LockFileProbe Found)
{
    public string Where => Ref.Host is { } host ? $"{host}:{Found.Path}" : Found.Path;

    public string Describe() => Found.State == LockFileState.Held
        ? $"lock {Where} is held by {LockHolder.Describe(Found.Content)}"
        : $"lock file {Where} exists ({LockHolder.Describe(Found.Content)})";
}

/// <summary>The run gave up waiting for blocks-on or locks.</summary>
public sealed class LockWaitTimeoutException(string message) : Exception(message);

/// <summary>Callbacks from <see cref="JobLocks.AcquireAsync"/> for the run log and the progress board.</summary>
public sealed record LockObserver(Action<LockBlock> Waiting, Action<string> Note);

/// <summary>
/// Takes a job's locks after its blocks-on are clear, host by host (local first, then host names sorted), each
/// host in one step under that host's guard. If anything blocks, everything taken so far is released and the
/// whole attempt is repeated every blocks-on-poll until blocks-on-timeout (<see cref="LockWait"/>): nothing is held
/// while waiting, so two jobs can never deadlock.
/// </summary>
public sealed class JobLocks(SyncwardenConfig config, ProcessRunner runner, TimeProvider time)
{
    public async Task<LockLease> AcquireAsync(JobConfig job, long runId, LockObserver observer, CancellationToken cancellationToken = default)
    {
        if (job.Locks.Count == 0 && job.BlocksOn.Count == 0)
        {
            return LockLease.None;
        }
        var holder = new LockHolder(HolderKind.Flock, Environment.MachineName, Environment.ProcessId, job.Name, runId, time.GetUtcNow()).Format();
        var remoteHosts = job.Locks.Concat(job.BlocksOn).Select(r => r.Host).OfType<string>().Distinct().Order(StringComparer.Ordinal).ToList();
        var settings = job.BlocksOnSettings;
        return await LockWait.UntilTakenAsync<LockLease, LockBlock>(
            async ct =>
            {
                var lease = new LockLease(config.StateDir);
                if (await TryAllAsync(job, runId, holder, remoteHosts, lease, observer, ct).ConfigureAwait(false) is not { } blocked)
                {
                    return (lease, null);
                }
                await lease.DisposeAsync().ConfigureAwait(false);
                return (null, blocked);
            },
            settings, time, observer.Waiting,
            (blocked, waited) => new LockWaitTimeoutException(
                $"gave up after waiting {DurationParser.Format(waited)} (blocks-on-timeout {DurationParser.Format(settings.Timeout!.Value)}): {blocked.Describe()}"),
            cancellationToken).ConfigureAwait(false);
    }

    private async Task<LockBlock?> TryAllAsync(JobConfig job, long runId, string holder, IReadOnlyList<string> remoteHosts, LockLease lease, LockObserver observer, CancellationToken cancellationToken)
    {
        try
        {
            if (await TryLocalAsync(job, runId, holder, lease, observer, cancellationToken).ConfigureAwait(false) is { } localBlock)
            {
                return localBlock;
            }
            foreach (var hostName in remoteHosts)
            {
                var host = config.Hosts[hostName];
                var blocksOn = job.BlocksOn.Where(r => r.Host == hostName).ToList();
                var locks = job.Locks.Where(r => r.Host == hostName).ToList();
                var attempt = await RemoteLockSession.TryAcquireAsync(config, host, [.. blocksOn.Select(r => r.Path)], [.. locks.Select(r => r.Path)],
                    holder, runner, cancellationToken).ConfigureAwait(false);
                if (attempt.Blocked is { } found)
                {
                    return new LockBlock(Owner(blocksOn, locks, hostName, found.Path), found);
                }
                foreach (var stale in attempt.Stale)
                {
                    observer.Note(StaleNote($"{hostName}:{stale.Path}", stale));
                }
                lease.Add(attempt.Session!);
            }
            return null;
        }
        catch
        {
            await lease.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>This host's step, all under the local guard: check blocks-on, take locks, register the run.</summary>
    private async Task<LockBlock?> TryLocalAsync(JobConfig job, long runId, string holder, LockLease lease, LockObserver observer, CancellationToken cancellationToken)
    {
        var blocksOn = job.BlocksOn.Where(r => r.Host is null).ToList();
        var locks = job.Locks.Where(r => r.Host is null).ToList();
        using var guard = await LockFiles.TakeGuardAsync(cancellationToken).ConfigureAwait(false);
        foreach (var r in blocksOn)
        {
            if (LockFiles.ProbePattern(r.Path).FirstOrDefault(p => p.Blocks) is { } found)
            {
                return new LockBlock(r, found);
            }
        }
        var taken = new List<HeldLockFile>();
        foreach (var r in locks)
        {
            var (held, found) = LockFiles.TryTake(r.Path, holder);
            if (held is null)
            {
                taken.ForEach(h => h.Release());
                return new LockBlock(r, found);
            }
            if (found.State == LockFileState.PresentNotHeld)
            {
                observer.Note(StaleNote(r.Path, found));
            }
            taken.Add(held);
        }
        try
        {
            var registration = ActiveRuns.Register(config.StateDir, new ActiveRun(job.Name, runId, Environment.ProcessId, Environment.MachineName,
                time.GetUtcNow(), [.. job.Locks.Select(r => r.ToString())], [.. job.BlocksOn.Select(r => r.ToString())]));
            lease.AddLocal(taken, registration);
        }
        catch
        {
            // Not in the lease yet: release here, or they stay held until the process ends.
            taken.ForEach(h => h.Release());
            throw;
        }
        return null;
    }

    private static LockRef Owner(List<LockRef> blocksOn, List<LockRef> locks, string host, string path) =>
        locks.FirstOrDefault(r => r.Path == path) ?? blocksOn.FirstOrDefault(r => LockGlob.Matches(r.Path, path)) ?? new LockRef(host, path);

    private static string StaleNote(string where, LockFileProbe found) =>
        $"warning: lock file {where} was present but not held: the previous run was aborted ({LockHolder.Describe(found.Content)}); taking it over";

}

/// <summary>Everything a run holds. Disposing releases it all: local files under the guard, remote sessions by asking them to end.</summary>
public sealed class LockLease : IAsyncDisposable
{
    public static readonly LockLease None = new(null);

    private readonly string? _stateDir;
    private readonly List<HeldLockFile> _local = [];
    private readonly List<RemoteLockSession> _remote = [];
    private HeldLockFile? _registration;
    private int _disposed;

    internal LockLease(string? stateDir) => _stateDir = stateDir;

    /// <summary>Remote hosts whose lock session ended during the run (connection lost): their locks were not held to the end.</summary>
    public IReadOnlyList<string> LostHosts => [.. _remote.Where(s => s.Lost).Select(s => s.Host.Name + s.Diagnostics)];

    internal void AddLocal(List<HeldLockFile> taken, HeldLockFile registration)
    {
        _local.AddRange(taken);
        _registration = registration;
    }

    internal void Add(RemoteLockSession session) => _remote.Add(session);

    public async ValueTask DisposeAsync()
    {
        if (_stateDir is null || Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        // Remote first (reverse order of taking), then this host.
        for (var i = _remote.Count - 1; i >= 0; i--)
        {
            // One host's failure must not keep the others', or this host's, locks held.
            try
            {
                await _remote[i].ReleaseAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or LockException or Processes.ProcessStartException or Processes.ProcessNotStoppedException or InvalidOperationException)
            {
                // The session ends below; the remote kernel drops its flocks with it. (An ssh that outlives
                // SIGKILL was logged by the runner; this host's locks must still be released.)
            }
            finally
            {
                try
                {
                    await _remote[i].DisposeAsync().ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is IOException or Processes.ProcessNotStoppedException or InvalidOperationException)
                {
                    // As above.
                }
            }
        }
        if (_local.Count == 0 && _registration is null)
        {
            return;
        }
        // Not cancellable: releasing must finish even when the run was cancelled.
        using (await LockFiles.TakeGuardAsync(CancellationToken.None).ConfigureAwait(false))
        {
            foreach (var held in Enumerable.Reverse(_local))
            {
                held.Release();
            }
            _registration?.Release();
        }
    }
}
