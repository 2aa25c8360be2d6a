using Microsoft.Extensions.Logging;
using Syncwarden.Configuration;
using Syncwarden.History;
using Syncwarden.Processes;
using Syncwarden.Snapshots;

namespace Syncwarden.Runs.Steps;

/// <summary>
/// <c>source-snapshot: btrfs</c>: just before the syncs, a read-only snapshot of each source (on this machine, or on
/// the host of a pull job over ssh), and the syncs read the snapshots instead, so the replica is one instant of the
/// source even while files change. Afterwards (success, failure or cancel) the snapshots are deleted; what a killed
/// run left is deleted at the start of the job's next run.
/// </summary>
internal sealed class SourceSnapshotStep(ProcessRunner runner, ILogger logger) : IRunStep
{
    /// <summary>How long deleting the snapshots may take once the run is over (its own token may be cancelled by then).</summary>
    private static readonly TimeSpan s_cleanupLimit = TimeSpan.FromMinutes(2);

    private readonly List<SourceSnapshot> _taken = [];
    private BtrfsSourceSnapshots? _snapshots;
    private IReadOnlyList<SyncPair>? _original;

    public async Task<RunRecord?> BeforeAsync(RunContext context)
    {
        var job = context.Job;
        if (job.SourceSnapshot is not { } settings)
        {
            return null;
        }
        // A pull job's sources are on its host; local and push jobs read this machine's.
        var host = job.Direction == Direction.Pull ? job.HostConfig : null;
        _snapshots = new BtrfsSourceSnapshots(new CommandHost(runner, context.Config.SshPath, host), job.Name, settings);
        context.Report.Stage(RunPhase.Checking, detail: "taking source snapshots");
        var sources = context.Syncs.Select(s => s.Source).Distinct(StringComparer.Ordinal).ToList();
        try
        {
            foreach (var note in await _snapshots.RemoveLeftoversAsync(sources.Select(_snapshots.FolderFor), context.CancellationToken).ConfigureAwait(false))
            {
                context.Log.Note(note);
                logger.LogInformation("job {Job}: {Note}", job.Name, note);
            }
            for (var i = 0; i < sources.Count; i++)
            {
                var snapshot = await _snapshots.TakeAsync(sources[i], i, context.Record.Id, context.CancellationToken).ConfigureAwait(false);
                _taken.Add(snapshot);
                context.Log.Note($"source snapshot: {snapshot.Source} on {_snapshots.HostName} -> {snapshot.RsyncSource} (read-only btrfs snapshot)");
            }
        }
        catch (SourceSnapshotException ex)
        {
            context.Log.Note(ex.Message);
            return context.End(RunResult.Failed, ex.Message + RunContext.AbortedBeforeTransfer);
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            return context.Stopped("while taking source snapshots", RunContext.AbortedBeforeTransfer);
        }
        catch (ProcessStartException ex)
        {
            var message = $"source-snapshot: {ex.Message} (is btrfs-progs installed?)";
            context.Log.Note(message);
            return context.End(RunResult.Failed, message + RunContext.AbortedBeforeTransfer);
        }
        var bySource = _taken.ToDictionary(s => s.Source, StringComparer.Ordinal);
        // The syncs read the snapshots; steps below (destination snapshots) and the syncs see only RunContext.Syncs.
        _original = context.Syncs;
        context.Syncs = [.. context.Syncs.Select(s => s with { Source = bySource[s.Source].RsyncSource })];
        return null;
    }

    public async Task<RunRecord> AfterAsync(RunContext context, RunRecord result)
    {
        if (_original is { } original)
        {
            context.Syncs = original;
        }
        if (_snapshots is null || _taken.Count == 0)
        {
            return result;
        }
        using var limit = new CancellationTokenSource(s_cleanupLimit);
        var problems = new List<string>();
        foreach (var run in _taken.GroupBy(s => s.RunFolder, StringComparer.Ordinal))
        {
            string? problem;
            try
            {
                problem = await _snapshots.DeleteAsync(run.Key, [.. run.Select(s => s.Path)], limit.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ProcessStartException or ProcessNotStoppedException)
            {
                problem = $"could not delete the source snapshots in {run.Key}: {ex.Message}; the next run of job '{context.Job.Name}' tries again";
            }
            context.Log.Note(problem ?? $"source snapshot(s) deleted: {string.Join(", ", run.Select(s => s.Path))}");
            if (problem is not null)
            {
                problems.Add(problem);
                context.Report.Warning(problem);
                logger.LogWarning("job {Job}: {Problem}", context.Job.Name, problem);
            }
        }
        _taken.Clear();
        if (problems.Count == 0)
        {
            return result;
        }
        // The data arrived; a snapshot left behind costs space until the next run removes it.
        return result with
        {
            Result = result.Result == RunResult.Succeeded ? RunResult.Warning : result.Result,
            Error = string.Join("; ", (result.Error is { } e ? [e] : Array.Empty<string>()).Concat(problems)),
        };
    }
}
