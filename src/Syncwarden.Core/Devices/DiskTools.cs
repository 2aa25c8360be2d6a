using Syncwarden.Processes;

namespace Syncwarden.Devices;

/// <summary>What a mount, an unmount or a sync said: success, or the tool's own words.</summary>
internal sealed record DiskToolResult(bool Ok, string Message);

/// <summary>
/// blkid, mount, umount and sync through the one process runner (argv lists; the disk's path and the mountpoint are
/// arguments, never text in a command line). Unmount and sync are not cancellable: they run on every exit path.
/// </summary>
internal sealed class DiskTools(ProcessRunner runner, TimeProvider time)
{
    /// <summary>Bounded, so a hung disk cannot keep a run (or the daemon's stop) forever.</summary>
    public static readonly TimeSpan UnmountTimeout = TimeSpan.FromMinutes(2);

    /// <summary>
    /// The block device holding the filesystem with this UUID, or null when none is attached. blkid's cache is
    /// bypassed (<c>-c /dev/null</c>): it remembers disks that were unplugged, and a disk plugged where another one
    /// was a moment ago is taken for the old one. The search is <c>-t UUID=</c>, not <c>-U</c>: <c>-U</c> reads the
    /// system's cache whatever <c>-c</c> says. Two attached copies of one filesystem: the first one listed.
    /// </summary>
    public async Task<string?> FindAsync(string uuid, CancellationToken cancellationToken = default)
    {
        var (result, stdout, stderr) = await runner.CaptureAsync(new ProcessSpec("blkid", ["-c", "/dev/null", "-t", "UUID=" + uuid, "-o", "device"]), cancellationToken).ConfigureAwait(false);
        if (result.ExitCode == 2)
        {
            return null;
        }
        var device = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "";
        return result.ExitCode == 0 && device.StartsWith('/')
            ? device
            : throw new IOException($"blkid could not look for the disk {uuid} (exit {result.ExitCode}): {stderr.Trim()}");
    }

    public async Task<DiskToolResult> MountAsync(string device, string mountpoint, string? options, CancellationToken cancellationToken = default)
    {
        List<string> args = options is null ? [] : ["-o", options];
        return await RunAsync(new ProcessSpec("mount", [.. args, "--", device, mountpoint]), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Unmounts, trying again twice a second apart: a process that used the disk (rsync stopped by a cancel or by
    /// its parent's death, a hook) may take a moment to go, and until then the disk is busy.
    /// </summary>
    public async Task<DiskToolResult> UnmountAsync(string mountpoint)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var timeout = new CancellationTokenSource(UnmountTimeout, time);
            var result = await RunAsync(new ProcessSpec("umount", ["--", mountpoint]) { GracePeriod = TimeSpan.FromSeconds(5) }, timeout.Token).ConfigureAwait(false);
            if (result.Ok || attempt == UnmountAttempts)
            {
                return result;
            }
            await Task.Delay(TimeSpan.FromSeconds(1), time).ConfigureAwait(false);
        }
    }

    private const int UnmountAttempts = 3;

    /// <summary>Writes every cached block to the disks: what is left to do when a disk cannot be unmounted.</summary>
    public async Task<DiskToolResult> SyncAsync()
    {
        using var timeout = new CancellationTokenSource(UnmountTimeout, time);
        return await RunAsync(new ProcessSpec("sync", []) { GracePeriod = TimeSpan.FromSeconds(5) }, timeout.Token).ConfigureAwait(false);
    }

    private async Task<DiskToolResult> RunAsync(ProcessSpec spec, CancellationToken cancellationToken)
    {
        try
        {
            var (result, stdout, stderr) = await runner.CaptureAsync(spec, cancellationToken).ConfigureAwait(false);
            var said = (stderr.Trim().Length > 0 ? stderr : stdout).Trim().ReplaceLineEndings("; ");
            return result.ExitCode == 0 && !result.Cancelled
                ? new DiskToolResult(true, said)
                : new DiskToolResult(false, result.Cancelled ? $"{spec.FileName} did not finish within {Configuration.DurationParser.Format(UnmountTimeout)}"
                    : $"{spec.FileName} exited with {result.ExitCode}" + (said.Length > 0 ? ": " + said : ""));
        }
        catch (Exception ex) when (ex is ProcessStartException or ProcessNotStoppedException)
        {
            return new DiskToolResult(false, ex.Message);
        }
    }
}
