using System.Text;
using Syncwarden.Configuration;
using Syncwarden.Processes;
using Syncwarden.Rsync;
using Syncwarden.Runs;

namespace Syncwarden.Verification;

/// <summary>
/// Compares a sample of a job's source files with its replica by checksum, with rsync itself: a dry run lists the
/// source's files as a sync sees them (same filters), a sample of them goes to a second dry run with --checksum and
/// --files-from, whose itemised lines name each file that differs or is missing. Both sides read their own files
/// (over ssh for the remote one), so only file names and checksums cross the network, and nothing is written.
/// </summary>
internal sealed class Verifier(SyncwardenConfig config, ProcessRunner runner)
{
    public async Task<VerifyRecord> VerifyAsync(JobConfig job, double percent, int seed, CancellationToken cancellationToken)
    {
        if (Ssh.RestrictedKey.FullLoginFeatures(config, job, verify: true) is { Count: > 0 } needs)
        {
            // Not tried through rrsync: it is refused with what to do rather than failing half-way.
            return new VerifyRecord
            {
                Job = job.Name, StartedAt = default, SamplePercent = percent, Seed = seed, Result = VerifyResult.Failed,
                Error = $"job '{job.Name}' cannot be verified with its host's key, which is restricted to rsync (keys install): {string.Join("; ", needs)}; give the host its own identity: with a full login to verify it",
            };
        }
        var builder = new RsyncCommandBuilder(config, job);
        if (builder.UsesTls)
        {
            // A push module is write only and a pull module's parent is not served: verify needs the remote shell of ssh.
            return new VerifyRecord
            {
                Job = job.Name, StartedAt = default, SamplePercent = percent, Seed = seed, Result = VerifyResult.Failed,
                Error = $"verify needs a remote shell, and host '{job.Host}' has transport: rsync-tls; nothing was compared",
            };
        }
        var random = new Random(seed);
        var work = Directory.CreateTempSubdirectory("syncwarden-verify-");
        var record = new VerifyRecord { Job = job.Name, StartedAt = default, SamplePercent = percent, Seed = seed };
        var corrupt = new List<string>();
        var changed = new List<string>();
        var missing = new List<string>();
        var errors = new List<string>();
        long inSource = 0, checkedFiles = 0;
        try
        {
            var empty = Directory.CreateDirectory(Path.Combine(work.FullName, "empty")).FullName;
            for (var i = 0; i < job.Syncs.Count; i++)
            {
                var sync = job.Syncs[i];
                var label = job.Syncs.Count > 1 ? $"{builder.SourceArgument(sync)}: " : "";
                var (files, listError) = await ListAsync(builder.BuildVerifyListing(sync, empty), job, cancellationToken).ConfigureAwait(false);
                if (listError is not null)
                {
                    errors.Add($"{label}cannot list the source: {listError}");
                    continue;
                }
                inSource += files.Count;
                var sample = VerifySample.Pick(files, percent, random);
                if (sample.Count == 0)
                {
                    continue;
                }
                var list = Path.Combine(work.FullName, $"sample-{i}");
                await File.WriteAllTextAsync(list, string.Join('\0', sample) + "\0", new UTF8Encoding(false), cancellationToken).ConfigureAwait(false);
                var outcome = await CompareAsync(builder.BuildVerifyCheck(sync, list, VerifyReplica.For(job, sync)), job, cancellationToken).ConfigureAwait(false);
                checkedFiles += sample.Count;
                corrupt.AddRange(outcome.Corrupt);
                changed.AddRange(outcome.Changed);
                missing.AddRange(outcome.Missing);
                if (outcome.Error is { } error)
                {
                    errors.Add(label + error);
                }
            }
        }
        finally
        {
            work.Delete(recursive: true);
        }
        var differences = corrupt.Count + changed.Count + missing.Count > 0;
        return record with
        {
            Result = errors.Count > 0 && !differences ? VerifyResult.Failed : differences ? VerifyResult.Differences : VerifyResult.Passed,
            FilesInSource = inSource,
            FilesChecked = checkedFiles,
            Corrupt = corrupt.Take(VerifyRecord.PathsKept).ToList(),
            Changed = changed.Take(VerifyRecord.PathsKept).ToList(),
            Missing = missing.Take(VerifyRecord.PathsKept).ToList(),
            CorruptCount = corrupt.Count,
            ChangedCount = changed.Count,
            MissingCount = missing.Count,
            Error = errors.Count == 0 ? null : string.Join("; ", errors),
        };
    }

    private sealed record Comparison(List<string> Corrupt, List<string> Changed, List<string> Missing, string? Error);

    /// <summary>The regular files the listing dry run would create, in rsync's order.</summary>
    private async Task<(List<string> Files, string? Error)> ListAsync(ProcessSpec spec, JobConfig job, CancellationToken cancellationToken)
    {
        var files = new List<string>();
        var (exitCode, stderr) = await RunAsync(spec, change =>
        {
            if (change.Kind == ChangeKind.Create && !change.IsDirectory && change.Flags[1] == 'f')
            {
                files.Add(change.Path);
            }
        }, cancellationToken).ConfigureAwait(false);
        return job.Classify(exitCode) == ExitCodeClass.Failure ? (files, FailureText.Explain(job, stderr, exitCode).Message) : (files, null);
    }

    /// <summary>Sorts the checking dry run's lines: content differs (same size and time: corrupt; else changed) or missing.</summary>
    private async Task<Comparison> CompareAsync(ProcessSpec spec, JobConfig job, CancellationToken cancellationToken)
    {
        var comparison = new Comparison([], [], [], null);
        var (exitCode, stderr) = await RunAsync(spec, change =>
        {
            if (change.IsDirectory || change.Flags[1] != 'f')
            {
                return;
            }
            // %i is YXcstpoguax: s and t say that size and time differ as well.
            if (change.Kind == ChangeKind.Create)
            {
                comparison.Missing.Add(change.Path);
            }
            else if (change.Kind == ChangeKind.Update)
            {
                (change.Flags[3] == 's' || change.Flags[4] == 't' ? comparison.Changed : comparison.Corrupt).Add(change.Path);
            }
        }, cancellationToken).ConfigureAwait(false);
        if (exitCode == 0)
        {
            return comparison;
        }
        // 23 and 24: some listed files vanished from the source since the listing; the others were compared.
        var message = FailureText.Explain(job, stderr, exitCode).Message;
        return comparison with { Error = exitCode is 23 or 24 ? "some files could not be compared: " + message : message };
    }

    private async Task<(int ExitCode, List<string> Stderr)> RunAsync(ProcessSpec spec, Action<ItemizedChange> onChange, CancellationToken cancellationToken)
    {
        var (result, stderr) = await ItemizedDryRun.RunAsync(runner, spec, onChange, null, cancellationToken).ConfigureAwait(false);
        return (result.ExitCode, stderr);
    }
}

/// <summary>What a verification compares the source with.</summary>
internal static class VerifyReplica
{
    /// <summary>
    /// The replica of <paramref name="sync"/>: its destination (on the job's host for a push job), or for a job with
    /// link-dest snapshots the latest complete snapshot (what a restore reads; the destination itself only holds the
    /// dated snapshot folders). A btrfs destination is the replica the latest read-only snapshot was taken of.
    /// </summary>
    public static string For(JobConfig job, SyncPair sync) => Snapshots.JobSnapshots.PlanTarget(job, sync).Destination;
}
