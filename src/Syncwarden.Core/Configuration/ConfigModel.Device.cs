namespace Syncwarden.Configuration;

/// <summary>
/// A job's removable disk (<c>device:</c>, seed 003): the first listed filesystem UUID that is attached is mounted
/// at <see cref="Mountpoint"/> for the run, its receivers hear about the run's result, and it is unmounted afterwards.
/// </summary>
public sealed record DeviceConfig
{
    /// <summary>The disks in order of preference; each with who is told about a run that used it.</summary>
    public required IReadOnlyList<DeviceDisk> Disks { get; init; }
    public required string Mountpoint { get; init; }
    /// <summary>Options for mount's <c>-o</c> (comma-separated, as mount takes them); null: mount's defaults.</summary>
    public string? MountOptions { get; init; }
    /// <summary>Free space below this after a run is a warning; null: no warning.</summary>
    public FreeSpaceThreshold? FreeSpaceWarning { get; init; }

    /// <summary>The listed disk with this UUID (filesystem UUIDs compare without case), or null.</summary>
    public DeviceDisk? Find(string uuid) => Disks.FirstOrDefault(d => string.Equals(d.Uuid, uuid, StringComparison.OrdinalIgnoreCase));
}

/// <summary>One disk of <c>device.uuids</c>: its filesystem UUID (as blkid shows it) and its own mail receivers.</summary>
public sealed record DeviceDisk(string Uuid, IReadOnlyList<string> Notify);

/// <summary>A free-space limit: an absolute number of bytes, or a share of the filesystem's size.</summary>
public sealed record FreeSpaceThreshold(long? Bytes, double? Percent)
{
    public bool IsBelow(long free, long total) =>
        Bytes is { } b ? free < b : free < (Percent ?? 0) / 100.0 * total;

    public override string ToString() =>
        Bytes is { } b ? ByteSize.Format(b) : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{Percent}%");
}
