using System.Text.Json.Serialization;
using Syncwarden.Configuration;
using Syncwarden.Processes;

namespace Syncwarden.Locks;

/// <summary>How a job uses a lock: the key it is configured under (<c>locks:</c>, <c>blocks-on:</c>).</summary>
[JsonConverter(typeof(KebabCaseEnumConverter<LockKind>))]
public enum LockKind
{
    /// <summary>Taken by the job's runs.</summary>
    Lock,
    /// <summary>Waited for: the job does not start while it is present.</summary>
    BlocksOn,
}

/// <summary>One row of <c>syncwarden lock list</c>: a configured lock (or a file it matches) and its state.</summary>
public sealed record LockStatus(string Job, LockKind Kind, LockRef Ref, string Path, LockFileState State, string? Holder, TimeSpan? Age, string? Error = null);

/// <summary>Looks at every lock of the configured jobs, local and remote (one ssh session per host), without changing any.</summary>
public sealed class LockInventory(SyncwardenConfig config, ProcessRunner runner, TimeProvider time)
{
    public async Task<IReadOnlyList<LockStatus>> ListAsync(CancellationToken cancellationToken = default)
    {
        var entries = config.Jobs.SelectMany(j => j.Locks.Select(r => (Job: j.Name, Kind: LockKind.Lock, Ref: r))
            .Concat(j.BlocksOn.Select(r => (Job: j.Name, Kind: LockKind.BlocksOn, Ref: r)))).ToList();

        var remote = new Dictionary<string, IReadOnlyList<(LockFileProbe Probe, TimeSpan? Age)>>(StringComparer.Ordinal);
        var failures = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var host in entries.Select(e => e.Ref.Host).OfType<string>().Distinct().Order(StringComparer.Ordinal))
        {
            var paths = entries.Where(e => e.Ref.Host == host).Select(e => e.Ref.Path).Distinct().ToList();
            try
            {
                remote[host] = await RemoteLockSession.ProbeAsync(config, config.Hosts[host], paths, runner, cancellationToken).ConfigureAwait(false);
            }
            catch (LockException ex)
            {
                failures[host] = ex.Message;
            }
        }

        var rows = new List<LockStatus>();
        foreach (var (job, kind, r) in entries)
        {
            if (r.Host is { } host)
            {
                if (failures.TryGetValue(host, out var error))
                {
                    rows.Add(new LockStatus(job, kind, r, r.Path, LockFileState.Free, null, null, error));
                    continue;
                }
                var matches = remote[host].Where(p => p.Probe.State != LockFileState.Free && LockGlob.Matches(r.Path, p.Probe.Path)).ToList();
                rows.AddRange(matches.Count == 0
                    ? [new LockStatus(job, kind, r, r.Path, LockFileState.Free, null, null)]
                    : matches.Select(m => new LockStatus(job, kind, r, m.Probe.Path, m.Probe.State, Holder(m.Probe), AgeOf(m.Probe, m.Age))));
                continue;
            }
            var probes = LockFiles.ProbePattern(r.Path).Where(p => p.State != LockFileState.Free).ToList();
            rows.AddRange(probes.Count == 0
                ? [new LockStatus(job, kind, r, r.Path, LockFileState.Free, null, null)]
                : probes.Select(p => new LockStatus(job, kind, r, p.Path, p.State, Holder(p),
                    AgeOf(p, time.GetUtcNow() - new DateTimeOffset(File.GetLastWriteTimeUtc(p.Path), TimeSpan.Zero)))));
        }
        return rows;
    }

    private static string? Holder(LockFileProbe probe) => probe.State == LockFileState.Free ? null : LockHolder.Describe(probe.Content);

    /// <summary>Age from the holder line's start time when there is one (clocks of the holder's host), else the file's mtime.</summary>
    private TimeSpan? AgeOf(LockFileProbe probe, TimeSpan? mtimeAge) =>
        LockHolder.TryParse(probe.Content) is { } holder ? Max(time.GetUtcNow() - holder.Started) : mtimeAge is { } a ? Max(a) : null;

    private static TimeSpan Max(TimeSpan span) => span < TimeSpan.Zero ? TimeSpan.Zero : span;
}
