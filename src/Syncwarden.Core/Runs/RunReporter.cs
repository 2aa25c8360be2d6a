using Syncwarden.Events;
using Syncwarden.History;
using Syncwarden.Rsync;

namespace Syncwarden.Runs;

/// <summary>Publishes one run's events, stamped with its job, the id of its record (0 before admission) and the clock.</summary>
internal sealed class RunReporter(RunEventHub hub, RunContext run)
{
    private string Job => run.Job.Name;
    private long RunId => run.Record.Id;
    private int SyncCount => run.Job.Syncs.Count;
    private DateTimeOffset Now => run.Time.GetUtcNow();

    public void Started(RunRecord record) => hub.Publish(new RunStarted(Now, record, SyncCount));

    public void Stage(RunPhase stage, int syncIndex = 0, string? sync = null, string? detail = null) =>
        hub.Publish(new RunStageChanged(Now, Job, RunId, stage, syncIndex, SyncCount, sync, detail));

    public void Waiting(string reason) => hub.Publish(new RunWaiting(Now, Job, RunId, reason));

    public void Progress(int syncIndex, string sync, RsyncProgress transfer) =>
        hub.Publish(new RunProgressed(Now, Job, RunId, syncIndex, SyncCount, sync, transfer));

    public void Warning(string message) => hub.Publish(new RunWarning(Now, Job, RunId, message));

    public void DeviceUsed(string uuid, string mountpoint, IReadOnlyList<string> notify, long? free, long? total, bool leftMounted) =>
        hub.Publish(new RunDeviceUsed(Now, Job, RunId, uuid, mountpoint, notify, free, total, leftMounted));

    public void Finished(RunRecord record) => hub.Publish(new RunFinished(Now, record));
}
