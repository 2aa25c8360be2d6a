using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Syncwarden.Configuration;

public static partial class ConfigLoader
{
    private static readonly string[] DeviceKeys = ["uuids", "mountpoint", "mount-options", "free-space-warning"];
    private static readonly string[] DeviceDiskKeys = ["uuid", "notify"];

    private const string DeviceExample =
        "device: { uuids: [{ uuid: 0a1b2c3d-4e5f-6789-abcd-ef0123456789, notify: [owner@example.net] }], mountpoint: /mnt/backup-disk, free-space-warning: 10% }";

    // ext2/3/4, btrfs and xfs: 36 characters with dashes; vfat "ABCD-1234"; NTFS 16 hex digits.
    [GeneratedRegex("^[0-9A-Fa-f][0-9A-Fa-f-]{2,62}[0-9A-Fa-f]$")]
    private static partial Regex UuidPattern();

    [GeneratedRegex("^([0-9]+(?:\\.[0-9]+)?)\\s*([KMGT]?)(?:i?B)?$", RegexOptions.IgnoreCase)]
    private static partial Regex SizePattern();

    /// <summary>Binds a job's <c>device:</c>; its syncs must write below the mountpoint, on this machine.</summary>
    private static JobConfig BindDevice(JobConfig job, MappingView jobMap, ConfigReader reader)
    {
        if (jobMap.Get("device") is not { } node || reader.Map(node, jobMap.PathOf("device"), DeviceKeys, DeviceExample) is not { } map)
        {
            return job;
        }
        var disks = map.Require("uuids", "uuids: [{ uuid: 0a1b2c3d-4e5f-6789-abcd-ef0123456789, notify: [owner@example.net] }]") is { } list
            ? BindDeviceDisks(list, map.PathOf("uuids"), reader) : [];
        var mountpointNode = map.Require("mountpoint", "mountpoint: /mnt/backup-disk");
        var mountpoint = mountpointNode is not null
            ? reader.LocalPath(mountpointNode, map.PathOf("mountpoint"), "mountpoint: /mnt/backup-disk", "/mnt/backup-disk") : null;
        if (mountpointNode is not null && mountpoint is not null && mountpoint.TrimEnd('/').Length == 0)
        {
            reader.Error(mountpointNode, map.PathOf("mountpoint"), "the mountpoint must not be /", "name an empty folder such as /mnt/backup-disk");
            mountpoint = null;
        }
        var options = map.Get("mount-options") is { } o ? reader.Text(o, map.PathOf("mount-options"), "mount-options: noatime,nodev,nosuid") : null;
        var warning = map.Get("free-space-warning") is { } w ? BindFreeSpace(w, map.PathOf("free-space-warning"), reader) : null;
        if (mountpoint is null || disks.Count == 0)
        {
            return job;
        }
        mountpoint = mountpoint.Length > 1 ? mountpoint.TrimEnd('/') : mountpoint;
        CheckDeviceSyncs(job, mountpoint, node, jobMap.PathOf("device"), reader);
        return job with { Device = new DeviceConfig { Disks = disks, Mountpoint = mountpoint, MountOptions = options, FreeSpaceWarning = warning } };
    }

    private static List<DeviceDisk> BindDeviceDisks(YamlNode node, string path, ConfigReader reader)
    {
        var disks = new List<DeviceDisk>();
        foreach (var (item, itemPath) in reader.Sequence(node, path, "uuids: [{ uuid: 0a1b2c3d-4e5f-6789-abcd-ef0123456789, notify: [owner@example.net] }]") ?? [])
        {
            // A bare UUID is a disk nobody in particular is told about.
            YamlNode? uuidNode = item;
            var uuidPath = itemPath;
            List<string> notify = [];
            if (item is YamlMappingNode)
            {
                if (reader.Map(item, itemPath, DeviceDiskKeys, "{ uuid: 0a1b2c3d-4e5f-6789-abcd-ef0123456789, notify: [owner@example.net] }") is not { } disk)
                {
                    continue;
                }
                uuidNode = disk.Require("uuid", "uuid: 0a1b2c3d-4e5f-6789-abcd-ef0123456789");
                uuidPath = disk.PathOf("uuid");
                notify = disk.Get("notify") is { } n ? Addresses(n, disk.PathOf("notify"), reader) : [];
            }
            if (uuidNode is null || reader.Text(uuidNode, uuidPath, "uuid: 0a1b2c3d-4e5f-6789-abcd-ef0123456789") is not { } uuid)
            {
                continue;
            }
            if (!UuidPattern().IsMatch(uuid))
            {
                reader.Error(uuidNode, uuidPath, $"\"{ConfigReader.Excerpt(uuid)}\" is not a filesystem UUID",
                    "copy it from `blkid` (UUID=\"...\") with the disk plugged in, e.g. 0a1b2c3d-4e5f-6789-abcd-ef0123456789");
                continue;
            }
            if (disks.Any(d => string.Equals(d.Uuid, uuid, StringComparison.OrdinalIgnoreCase)))
            {
                reader.Error(uuidNode, uuidPath, $"the UUID {uuid} is listed twice", "list each disk once");
                continue;
            }
            disks.Add(new DeviceDisk(uuid, notify));
        }
        return disks;
    }

    /// <summary>"10%" of the filesystem, or a size: "20G", "500M", "1.5T", "1048576" (bytes; K, M, G, T are powers of 1024).</summary>
    private static FreeSpaceThreshold? BindFreeSpace(YamlNode node, string path, ConfigReader reader)
    {
        const string Hint = "a share of the disk such as free-space-warning: \"10%\", or a size such as free-space-warning: 20G";
        if (node is YamlScalarNode { Value: { } text } && !ConfigReader.IsNull(node))
        {
            text = text.Trim();
            if (text.EndsWith('%'))
            {
                if (double.TryParse(text[..^1], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var percent) && percent > 0 && percent < 100)
                {
                    return new FreeSpaceThreshold(null, percent);
                }
            }
            else if (SizePattern().Match(text) is { Success: true } size)
            {
                var number = double.Parse(size.Groups[1].Value, CultureInfo.InvariantCulture);
                var factor = char.ToUpperInvariant(size.Groups[2].Value.FirstOrDefault('B')) switch
                {
                    'K' => 1L << 10, 'M' => 1L << 20, 'G' => 1L << 30, 'T' => 1L << 40, _ => 1L,
                };
                if (number > 0 && number * factor < long.MaxValue)
                {
                    return new FreeSpaceThreshold((long)(number * factor), null);
                }
            }
        }
        reader.Error(node, path, $"expected a percentage between 0 and 100 or a size, got {ConfigReader.Describe(node)}", Hint);
        return null;
    }

    /// <summary>The disk is on this machine: a push job cannot write to it, and a destination outside the mountpoint would fill the root filesystem.</summary>
    private static void CheckDeviceSyncs(JobConfig job, string mountpoint, YamlNode node, string path, ConfigReader reader)
    {
        if (job.Direction == Direction.Push)
        {
            reader.Error(node, path, "a push job writes to another host, so it cannot use a disk attached here",
                "use direction: local (or pull from the host) with the destination on the disk");
            return;
        }
        foreach (var sync in job.Syncs)
        {
            var destination = sync.Destination.TrimEnd('/');
            if (destination != mountpoint && !destination.StartsWith(mountpoint + "/", StringComparison.Ordinal))
            {
                reader.Error(node, path, $"the destination {ConfigReader.Excerpt(sync.Destination)} is not below the mountpoint {ConfigReader.Excerpt(mountpoint)}",
                    $"put every destination of the job on the disk, e.g. {mountpoint}/data");
            }
        }
    }

    /// <summary>Receivers of a disk are added to the global email: section's mails, so they need it.</summary>
    private static void CheckDeviceReceivers(MappingView top, SyncwardenConfig config, ConfigReader reader)
    {
        if (config.Notifications.Email is not null)
        {
            return;
        }
        foreach (var job in config.Jobs.Where(j => j.Device?.Disks.Any(d => d.Notify.Count > 0) == true))
        {
            reader.Error(top.Get("jobs")!, $"jobs.{job.Name}.device", "a disk's notify: receivers get mail through the global email: section, which is missing",
                $"add the SMTP server at the top level: {EmailExample}");
        }
    }
}
