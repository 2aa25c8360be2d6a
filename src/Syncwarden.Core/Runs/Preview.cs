using Syncwarden.Configuration;
using Syncwarden.Rsync;

namespace Syncwarden.Runs;

/// <summary>What a sync would do, from an rsync dry run. Nothing is changed on either side.</summary>
public sealed record SyncPreview(
    string Source,
    string Destination,
    IReadOnlyList<ItemizedChange> Changes,
    RsyncStats? Stats,
    string? Error,
    int ExitCode)
{
    public IEnumerable<ItemizedChange> Of(ChangeKind kind) => Changes.Where(c => c.Kind == kind);
    public long Count(ChangeKind kind) => Changes.LongCount(c => c.Kind == kind);
    public long Bytes(ChangeKind kind) => Changes.Where(c => c.Kind == kind && !c.IsDirectory).Sum(c => c.Size);

    /// <summary>
    /// Entries the destination holds now, estimated from the dry run: the source's entries, minus
    /// those it would create, plus those it would delete.
    /// </summary>
    public long DestinationEntries => Math.Max(0, (Stats?.NumberOfFiles ?? 0) - Count(ChangeKind.Create) + Count(ChangeKind.Delete));
}

public sealed partial class JobRunner
{
    public async Task<IReadOnlyList<SyncPreview>> PlanAsync(JobConfig job, CancellationToken cancellationToken = default)
    {
        var builder = new RsyncCommandBuilder(config, job);
        var previews = new List<SyncPreview>();
        foreach (var sync in job.Syncs)
        {
            previews.Add(await PreviewAsync(builder, sync, RunFilters.None, cancellationToken).ConfigureAwait(false));
        }
        return previews;
    }

    private async Task<SyncPreview> PreviewAsync(RsyncCommandBuilder builder, SyncPair sync, RunFilters filters, CancellationToken cancellationToken)
    {
        var spec = builder.Build(sync, RsyncMode.Preview, filters);
        var changes = new List<ItemizedChange>();
        var stats = new StatsParser();
        var stderr = new List<string>();
        var stdoutSplitter = new RsyncLineSplitter((line, _) =>
        {
            if (ItemizeParser.TryParse(line, out var change))
            {
                changes.Add(change);
            }
            else
            {
                stats.Feed(line);
            }
        });
        var stderrSplitter = new RsyncLineSplitter((line, _) =>
        {
            if (line.Length > 0)
            {
                stderr.Add(line);
            }
        });
        var result = await _runner.RunAsync(spec, c => stdoutSplitter.Feed(c), c => stderrSplitter.Feed(c), cancellationToken).ConfigureAwait(false);
        stdoutSplitter.Flush();
        stderrSplitter.Flush();
        cancellationToken.ThrowIfCancellationRequested();
        var cls = builder.Job.Classify(result.ExitCode);
        string? error = null;
        if (cls == ExitCodeClass.Failure)
        {
            var text = string.Join('\n', stderr);
            error = builder.Job.HostConfig is { } host && Ssh.SshErrorExplainer.Explain(text, host) is ({ } p, { } m) && p != Ssh.SshProblem.None
                ? m
                : stderr.FirstOrDefault(l => l.StartsWith("rsync:", StringComparison.Ordinal)) ?? RsyncErrorParser.MainError(stderr) ?? $"rsync exited with {result.ExitCode}";
        }
        return new SyncPreview(builder.SourceArgument(sync), builder.DestinationArgument(sync), changes, stats.SawStats ? stats.Result : null, error, result.ExitCode);
    }
}
