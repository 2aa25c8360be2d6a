namespace Syncwarden.Devices;

/// <summary>Free and total bytes of a filesystem (statvfs: what an unprivileged writer may still use).</summary>
internal readonly record struct DiskSpace(long Free, long Total)
{
    /// <summary>The filesystem holding <paramref name="path"/>, or its nearest existing parent; null when it cannot be read.</summary>
    public static DiskSpace? Of(string path)
    {
        var existing = path;
        while (!Directory.Exists(existing) && Path.GetDirectoryName(existing) is { } parent)
        {
            existing = parent;
        }
        try
        {
            var drive = new DriveInfo(existing);
            return new DiskSpace(drive.AvailableFreeSpace, drive.TotalSize);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }

    public override string ToString() => $"{ByteSize.Format(Free)} free of {ByteSize.Format(Total)}";
}
