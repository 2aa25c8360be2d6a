using System.Text;
using Syncwarden.Configuration;
using Syncwarden.Processes;

namespace Syncwarden.Devices;

/// <summary>One disk listed under a job's <c>device:</c>, and what this machine sees of it now.</summary>
/// <param name="Attached">The block device holding it (blkid), null when it is not plugged in.</param>
/// <param name="Mounted">True when <paramref name="Mountpoint"/> shows that device now.</param>
public sealed record DeviceState(string Job, string Uuid, string Mountpoint, IReadOnlyList<string> Notify, string? Attached, bool Mounted);

/// <summary>The disks of the configuration for <c>syncwarden device list</c> and the udev rules that start their runs.</summary>
public static class DeviceInventory
{
    /// <summary>The unit a plugged-in disk starts (deploy/systemd/syncwarden-device@.service).</summary>
    public const string UnitTemplate = "syncwarden-device@";

    public static async Task<IReadOnlyList<DeviceState>> ListAsync(SyncwardenConfig config, ProcessRunner runner, CancellationToken cancellationToken = default)
    {
        var tools = new DiskTools(runner, TimeProvider.System);
        var list = new List<DeviceState>();
        foreach (var job in config.Jobs.Where(j => j.Device is not null))
        {
            var device = job.Device!;
            foreach (var disk in device.Disks)
            {
                var attached = await tools.FindAsync(disk.Uuid, cancellationToken).ConfigureAwait(false);
                var mounted = attached is not null && MountTable.At(device.Mountpoint)?.Source == attached;
                list.Add(new DeviceState(job.Name, disk.Uuid, device.Mountpoint, disk.Notify, attached, mounted));
            }
        }
        return list;
    }

    /// <summary>One udev rule per listed disk (each once, also when several jobs list it): its arrival starts its unit.</summary>
    public static string UdevRules(SyncwardenConfig config)
    {
        var text = new StringBuilder()
            .Append("# Written by `syncwarden device udev-rules` from ").Append(config.SourceFile).Append('\n')
            .Append("# Install as /etc/udev/rules.d/99-syncwarden.rules, then: udevadm control --reload\n")
            .Append("# Plugging in one of these disks starts syncwarden-device@UUID.service (`syncwarden run --device UUID`).\n");
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var job in config.Jobs.Where(j => j.Device is not null))
        {
            foreach (var disk in job.Device!.Disks.Where(d => seen.Add(d.Uuid)))
            {
                var jobs = string.Join(", ", config.Jobs.Where(j => j.Device?.Find(disk.Uuid) is not null).Select(j => j.Name));
                text.Append("# jobs: ").Append(jobs).Append('\n')
                    .Append($"ACTION==\"add\", SUBSYSTEM==\"block\", ENV{{ID_FS_UUID}}==\"{disk.Uuid}\", TAG+=\"systemd\", ENV{{SYSTEMD_WANTS}}+=\"{UnitTemplate}{disk.Uuid}.service\"\n");
            }
        }
        if (seen.Count == 0)
        {
            text.Append("# (no job has a device: section, so no disk starts a run)\n");
        }
        return text.ToString();
    }
}
