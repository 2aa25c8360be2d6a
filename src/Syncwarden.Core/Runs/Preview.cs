using Syncwarden.Configuration;
using Syncwarden.Processes;
using Syncwarden.Rsync;

namespace Syncwarden.Runs;

/// <summary>
/// What a sync would do, from an rsync dry run: counts and bytes per kind of change, and up to a
/// limit of the changed items themselves (the max-delete check keeps none). Nothing is changed.
/// </summary>
public sealed class SyncPreview
{
    private readonly long[] _counts = new long[4];
    private readonly long[] _bytes = new long[4];
    private readonly List<ItemizedChange> _items = [];

    internal SyncPreview(string source, string destination, int itemLimit)
    {
        Source = source;
        Destination = destination;
        ItemLimit = itemLimit;
    }

    public string Source { get; }
    public string Destination { get; }
    /// <summary>Items kept per kind of change; counts cover every item.</summary>
    public int ItemLimit { get; }
    public RsyncStats? Stats { get; internal set; }
    public string? Error { get; internal set; }
    /// <summary>What ssh said was wrong with the host, when the dry run failed because of ssh.</summary>
    public Ssh.SshProblem Ssh { get; internal set; }
    public int ExitCode { get; internal set; }

    internal void Add(ItemizedChange change)
    {
        var k = (int)change.Kind;
        if (++_counts[k] <= ItemLimit)
        {
            _items.Add(change);
        }
        if (!change.IsDirectory)
        {
            _bytes[k] += change.Size;
        }
    }

    public long Count(ChangeKind kind) => _counts[(int)kind];
    public long Bytes(ChangeKind kind) => _bytes[(int)kind];

    /// <summary>The kept items of one kind (at most <see cref="ItemLimit"/>), in rsync's order.</summary>
    public IEnumerable<ItemizedChange> Of(ChangeKind kind) => _items.Where(c => c.Kind == kind);

    /// <summary>
    /// Entries the destination holds now, estimated from the dry run: the source's entries, minus
    /// those it would create, plus those it would delete.
    /// </summary>
    public long DestinationEntries => Math.Max(0, (Stats?.NumberOfFiles ?? 0) - Count(ChangeKind.Create) + Count(ChangeKind.Delete));
}

/// <summary>Runs an rsync dry run with itemised output: each change to a handler, other stdout lines to another, stderr kept.</summary>
internal static class ItemizedDryRun
{
    public static async Task<(ProcessResult Result, List<string> Stderr)> RunAsync(
        ProcessRunner runner, ProcessSpec spec, Action<ItemizedChange> onChange, Action<string>? onOther, CancellationToken cancellationToken)
    {
        var stderr = new List<string>();
        var stdoutSplitter = new RsyncLineSplitter((string line, bool _) =>
        {
            if (ItemizeParser.TryParse(line, out var change))
            {
                onChange(change);
            }
            else
            {
                onOther?.Invoke(line);
            }
        });
        var stderrSplitter = new RsyncLineSplitter((string line, bool _) =>
        {
            if (line.Length > 0)
            {
                stderr.Add(line);
            }
        });
        var result = await runner.StreamAsync(spec, stdoutSplitter.Feed, stderrSplitter.Feed, cancellationToken).ConfigureAwait(false);
        stdoutSplitter.Flush();
        stderrSplitter.Flush();
        cancellationToken.ThrowIfCancellationRequested();
        return (result, stderr);
    }
}

/// <summary>Runs the dry runs behind `plan` and the max-delete check.</summary>
internal sealed class Previewer(ProcessRunner runner)
{
    public async Task<SyncPreview> PreviewAsync(RsyncCommandBuilder builder, SyncPair sync, RunFilters filters, int itemLimit, CancellationToken cancellationToken)
    {
        var spec = builder.Build(sync, RsyncMode.Preview, filters);
        var preview = new SyncPreview(builder.SourceArgument(sync), builder.DestinationArgument(sync), itemLimit);
        var stats = new StatsParser();
        var (result, stderr) = await ItemizedDryRun.RunAsync(runner, spec, preview.Add, stats.Feed, cancellationToken).ConfigureAwait(false);
        preview.ExitCode = result.ExitCode;
        preview.Stats = stats.SawStats ? stats.Result : null;
        if (builder.Job.Classify(result.ExitCode) == ExitCodeClass.Failure)
        {
            (preview.Error, preview.Ssh) = FailureText.Explain(builder.Job, stderr, result.ExitCode);
        }
        return preview;
    }
}

public sealed partial class JobRunner
{
    /// <summary>What each sync of the job would do; <paramref name="itemLimit"/> changed items are kept per kind.</summary>
    public async Task<IReadOnlyList<SyncPreview>> PlanAsync(JobConfig job, int itemLimit = int.MaxValue, CancellationToken cancellationToken = default)
    {
        var builder = new RsyncCommandBuilder(config, job);
        var previewer = new Previewer(runner);
        var previews = new List<SyncPreview>();
        foreach (var sync in job.Syncs)
        {
            previews.Add(await previewer.PreviewAsync(builder, Snapshots.JobSnapshots.PlanTarget(job, sync), RunFilters.None, itemLimit, cancellationToken).ConfigureAwait(false));
        }
        return previews;
    }
}
