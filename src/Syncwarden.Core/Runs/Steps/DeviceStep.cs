using Microsoft.Extensions.Logging;
using Syncwarden.Configuration;
using Syncwarden.Devices;
using Syncwarden.History;
using Syncwarden.Processes;

namespace Syncwarden.Runs.Steps;

/// <summary>
/// A job's removable disk (<c>device:</c>): mounts the first listed disk that is attached before the hooks, locks and
/// syncs (they may all use it); afterwards records its free space, warns when it is low, unmounts it (on failure:
/// <c>sync</c> and a warning) and announces which disk was used (<c>RunDeviceUsed</c>: its receivers get the result).
/// No listed disk attached skips the run. A marker in the state folder lets the next start unmount a disk whose run
/// was killed.
/// </summary>
internal sealed class DeviceStep(ProcessRunner runner, TimeProvider time, ILogger logger) : IRunStep
{
    /// <summary>Disks a killed syncwarden left mounted (its marker names a process that is gone) are unmounted.</summary>
    public Task RecoverAsync(SyncwardenConfig config, TimeProvider clock) => AbandonedMounts.ReleaseAsync(config.StateDir, runner, clock, logger);

    private readonly DiskTools _tools = new(runner, time);
    private DeviceDisk? _disk;
    private bool _mountedByUs;

    public async Task<RunRecord?> BeforeAsync(RunContext context)
    {
        if (context.Job.Device is not { } device)
        {
            return null;
        }
        var mountpoint = device.Mountpoint;
        context.Report.Stage(RunPhase.Checking, detail: "looking for the disk");
        DeviceDisk? disk = null;
        string? path = null;
        try
        {
            foreach (var candidate in device.Disks)
            {
                if ((path = await _tools.FindAsync(candidate.Uuid, context.CancellationToken).ConfigureAwait(false)) is not null)
                {
                    disk = candidate;
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
            return context.Stopped("while looking for the disk", "; nothing was transferred");
        }
        catch (Exception ex) when (ex is IOException or ProcessStartException)
        {
            return Fail(context, ex.Message);
        }
        if (disk is null || path is null)
        {
            var absent = $"none of the disks of job '{context.Job.Name}' is attached ({string.Join(", ", device.Disks.Select(d => d.Uuid))}); nothing was transferred";
            context.Log.Note(absent);
            return context.End(RunResult.Skipped, absent);
        }
        context.Log.Note($"disk {disk.Uuid} found at {path}");

        if (MountTable.At(mountpoint) is { } current)
        {
            if (!SameDevice(current.Source, path))
            {
                return Fail(context, $"{mountpoint} already has {current.Source} mounted, not the disk {disk.Uuid} ({path}); unmount it or choose another mountpoint");
            }
            // Someone else mounted it (by hand, a desktop): it is theirs to unmount.
            context.Log.Note($"disk {disk.Uuid} is already mounted at {mountpoint}; it stays mounted after the run");
            _disk = disk;
            return Mounted(context, disk, mountpoint);
        }
        try
        {
            Directory.CreateDirectory(mountpoint);
            // Before the mount: a kill between the two leaves a marker for a disk that is not mounted, never the reverse.
            MountMarkers.Write(context.Config.StateDir, new MountMarker(context.Job.Name, disk.Uuid, path, mountpoint, Environment.ProcessId));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Fail(context, $"cannot prepare the mountpoint {mountpoint}: {ex.Message}");
        }
        // Not cancellable: a mount stopped halfway might or might not have happened; it takes a moment.
        var mount = await _tools.MountAsync(path, mountpoint, device.MountOptions).ConfigureAwait(false);
        if (!mount.Ok)
        {
            MountMarkers.Remove(context.Config.StateDir, context.Job.Name);
            return Fail(context, $"cannot mount the disk {disk.Uuid} ({path}) at {mountpoint}: {mount.Message}");
        }
        _disk = disk;
        _mountedByUs = true;
        if (!SameDevice(MountTable.At(mountpoint)?.Source, path))
        {
            return Fail(context, $"mount reported success but {mountpoint} does not show the disk {disk.Uuid} ({path})");
        }
        context.Log.Note($"disk {disk.Uuid} ({path}) mounted at {mountpoint}" + (device.MountOptions is { } o ? $" with options {o}" : ""));
        return context.CancellationToken.IsCancellationRequested ? context.Stopped("while mounting the disk", "; nothing was transferred") : Mounted(context, disk, mountpoint);
    }

    public async Task<RunRecord> AfterAsync(RunContext context, RunRecord result)
    {
        if (_disk is not { } disk || context.Job.Device is not { } device)
        {
            return result;
        }
        var mountpoint = device.Mountpoint;
        var space = DiskSpace.Of(mountpoint);
        if (space is { } s)
        {
            context.Log.Note($"free space on the disk {disk.Uuid} at {mountpoint}: {s}");
            if (device.FreeSpaceWarning is { } limit && limit.IsBelow(s.Free, s.Total))
            {
                result = context.Warn(result, $"the disk {disk.Uuid} at {mountpoint} has only {ByteSize.Format(s.Free)} free of {ByteSize.Format(s.Total)}, below free-space-warning {limit}");
            }
        }
        var leftMounted = false;
        if (_mountedByUs)
        {
            context.Report.Stage(RunPhase.Finishing, detail: "unmounting the disk");
            var unmount = await _tools.UnmountAsync(mountpoint).ConfigureAwait(false);
            if (unmount.Ok)
            {
                MountMarkers.Remove(context.Config.StateDir, context.Job.Name);
                context.Log.Note($"disk {disk.Uuid} unmounted from {mountpoint}");
            }
            else
            {
                // The marker stays: the next start tries again once this process is gone.
                var flushed = await _tools.SyncAsync().ConfigureAwait(false);
                leftMounted = true;
                result = context.Warn(result, $"could not unmount the disk {disk.Uuid} from {mountpoint} ({unmount.Message}); "
                    + (flushed.Ok ? "its data was flushed with sync" : $"sync failed too ({flushed.Message})")
                    + $", but unplug it only after `umount {mountpoint}` succeeds");
            }
        }
        context.Report.DeviceUsed(disk.Uuid, mountpoint, disk.Notify, space?.Free, space?.Total, leftMounted);
        return result;
    }

    private static RunRecord? Mounted(RunContext context, DeviceDisk disk, string mountpoint)
    {
        if (DiskSpace.Of(mountpoint) is { } space)
        {
            context.Log.Note($"free space on the disk {disk.Uuid} before the run: {space}");
        }
        return null;
    }

    private static RunRecord Fail(RunContext context, string message)
    {
        context.Log.Note(message);
        return context.End(RunResult.Failed, message + RunContext.AbortedBeforeTransfer);
    }

    /// <summary>The same block device, also when one name is a link (/dev/disk/..., /dev/mapper/...) to the other.</summary>
    private static bool SameDevice(string? a, string b) => a is not null && (a == b || Resolve(a) == Resolve(b));

    private static string Resolve(string path)
    {
        try
        {
            return new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? path;
        }
        catch (IOException)
        {
            return path;
        }
    }
}
