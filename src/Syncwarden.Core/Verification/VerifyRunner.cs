using Microsoft.Extensions.Logging;
using Syncwarden.Configuration;
using Syncwarden.Events;
using Syncwarden.History;
using Syncwarden.Processes;
using Syncwarden.Runs;

namespace Syncwarden.Verification;

/// <summary>
/// Verifies a job's replica for `syncwarden verify` and the daemon alike: under the job's run lock (a sync that is
/// writing the replica would show as differences), records the result in the history and announces it on the event
/// hub (<see cref="VerifyFinished"/>), where the notifier picks up differences and failures.
/// </summary>
public sealed class VerifyRunner(HistoryStore history, RunEventHub events, ProcessRunner runner, TimeProvider time, ILogger<VerifyRunner> logger)
{
    /// <exception cref="JobBusyException">The job is running (or being verified) in another process; nothing was recorded.</exception>
    public async Task<VerifyRecord> VerifyAsync(SyncwardenConfig config, JobConfig job, double? percent = null, int? seed = null,
        RunTrigger trigger = RunTrigger.Manual, CancellationToken cancellationToken = default)
    {
        using var jobLock = JobRunLock.Acquire(config.StateDir, job.Name);
        var share = percent ?? job.Verify?.SamplePercent ?? 100;
        var started = time.GetUtcNow();
        var record = await new Verifier(config, runner).VerifyAsync(job, share, seed ?? Random.Shared.Next(), cancellationToken).ConfigureAwait(false);
        record = record with { StartedAt = started, EndedAt = time.GetUtcNow(), Trigger = trigger };
        record = record with { Id = history.InsertVerification(record) };
        var level = record.Result == VerifyResult.Passed ? LogLevel.Information : LogLevel.Warning;
        logger.Log(level, "job {Job}: verification {Id} {Result}: {Summary}", job.Name, record.Id, record.Result.ToKebabCase(), record.Summary);
        events.Publish(new VerifyFinished(record.EndedAt, record));
        return record;
    }
}
