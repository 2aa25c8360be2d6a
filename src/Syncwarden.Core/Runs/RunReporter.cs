using Syncwarden.Events;
using Syncwarden.Rsync;

namespace Syncwarden.Runs;

/// <summary>Publishes one run's events, stamped with the job, the run id and the clock.</summary>
internal sealed class RunReporter(RunEventHub hub, TimeProvider time, string job, int syncCount)
{
    public long RunId { get; set; }

    public void Started(History.RunRecord record) => hub.Publish(new RunStarted(time.GetUtcNow(), record, syncCount));

    public void Stage(RunPhase stage, int syncIndex = 0, string? sync = null, string? detail = null) =>
        hub.Publish(new RunStageChanged(time.GetUtcNow(), job, RunId, stage, syncIndex, syncCount, sync, detail));

    public void Waiting(string reason) => hub.Publish(new RunWaiting(time.GetUtcNow(), job, RunId, reason));

    public void Progress(int syncIndex, string sync, RsyncProgress transfer) =>
        hub.Publish(new RunProgressed(time.GetUtcNow(), job, RunId, syncIndex, syncCount, sync, transfer));

    public void Warning(string message) => hub.Publish(new RunWarning(time.GetUtcNow(), job, RunId, message));

    public void Finished(History.RunRecord record) => hub.Publish(new RunFinished(time.GetUtcNow(), record));
}
