using Microsoft.Extensions.Logging;
using Syncwarden.Processes;

namespace Syncwarden.Devices;

/// <summary>
/// Disks a killed syncwarden left mounted (its marker names a process that is gone): unmounted at the next start of
/// `syncwarden run` or the daemon, only when the mountpoint still shows the very device that was mounted.
/// </summary>
internal static class AbandonedMounts
{
    public static async Task<int> ReleaseAsync(string stateDir, ProcessRunner runner, TimeProvider time, ILogger logger)
    {
        var tools = new DiskTools(runner, time);
        var released = 0;
        foreach (var (file, marker) in MountMarkers.Abandoned(stateDir))
        {
            if (marker is not null && MountTable.At(marker.Mountpoint) is { } mounted && mounted.Source == marker.Device)
            {
                var unmount = await tools.UnmountAsync(marker.Mountpoint).ConfigureAwait(false);
                if (!unmount.Ok)
                {
                    await tools.SyncAsync().ConfigureAwait(false);
                    logger.LogWarning("the disk {Uuid} that a stopped syncwarden (pid {Pid}) mounted at {Mountpoint} for job {Job} could not be unmounted: {Reason}; ran sync, will try again at the next start",
                        marker.Uuid, marker.ProcessId, marker.Mountpoint, marker.Job, unmount.Message);
                    continue;
                }
                released++;
                logger.LogWarning("unmounted the disk {Uuid} from {Mountpoint}: a syncwarden (pid {Pid}) stopped during a run of job {Job} and left it mounted",
                    marker.Uuid, marker.Mountpoint, marker.ProcessId, marker.Job);
            }
            File.Delete(file);
        }
        return released;
    }
}
