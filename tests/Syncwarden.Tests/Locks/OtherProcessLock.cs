using Syncwarden.Processes;

namespace Syncwarden.Tests.Locks;

/// <summary>A flock on a file held by another process (a shell that locks it, then execs sleep), to be killed with SIGKILL.</summary>
internal sealed class OtherProcessLock : IAsyncDisposable
{
    private readonly ProcessSession _session;

    private OtherProcessLock(ProcessSession session) => _session = session;

    public int ProcessId => _session.ProcessId;

    public static async Task<OtherProcessLock> HoldAsync(string path)
    {
        var locked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var spec = new ProcessSpec("/bin/sh", ["-c", "exec 9>>\"$1\" && /usr/bin/flock -x 9 && echo locked && exec sleep 60", "sh", path]);
        var session = await ProcessRunner.Default.StartSessionAsync(spec, chunk => { if (chunk.Contains("locked", StringComparison.Ordinal)) { locked.TrySetResult(); } });
        await locked.Task.WaitAsync(TimeSpan.FromSeconds(10));
        return new OtherProcessLock(session);
    }

    /// <summary>Ends the holder as kill -9 would, and waits until it is gone.</summary>
    public async Task KillAsync()
    {
        ProcessRunner.Signal(ProcessId, 9);
        await _session.Exited.WaitAsync(TimeSpan.FromSeconds(10));
    }

    public async ValueTask DisposeAsync()
    {
        if (!_session.Exited.IsCompleted)
        {
            await KillAsync();
        }
        await _session.DisposeAsync();
    }
}
