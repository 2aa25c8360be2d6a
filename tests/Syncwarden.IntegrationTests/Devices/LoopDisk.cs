using Syncwarden.Devices;
using Syncwarden.IntegrationTests.Infrastructure;

namespace Syncwarden.IntegrationTests.Devices;

/// <summary>
/// A real removable disk for one test: an ext4 image with a chosen filesystem UUID, attached as a loop device
/// (truncate, mkfs.ext4 -U, losetup). Dispose unmounts whatever the device is still mounted on and detaches it,
/// also after a failed test.
/// </summary>
internal sealed class LoopDisk : IAsyncDisposable
{
    private LoopDisk(string uuid, string image, string device)
    {
        Uuid = uuid;
        Image = image;
        Device = device;
    }

    public string Uuid { get; }
    public string Image { get; }
    /// <summary>The loop device, e.g. /dev/loop3.</summary>
    public string Device { get; }

    /// <summary>A UUID no other test (or disk) uses.</summary>
    public static string NewUuid() => Guid.NewGuid().ToString();

    public static async Task<LoopDisk> AttachAsync(TempDir dir, string uuid, int megabytes = 64)
    {
        var image = dir.Combine($"disk-{uuid}.img");
        await Run("truncate", "-s", $"{megabytes}M", image);
        await Run("mkfs.ext4", "-q", "-U", uuid, image);
        var losetup = await Run("losetup", "-f", "--show", image);
        return new LoopDisk(uuid, image, losetup.StandardOutput.Trim());
    }

    /// <summary>
    /// Detaches this disk's image and attaches <paramref name="other"/>'s image file to the same loop device, as when
    /// one disk is unplugged and another plugged into the same port: the device name stays, the filesystem changes.
    /// </summary>
    public async Task<LoopDisk> SwapToAsync(TempDir dir, string otherUuid, int megabytes = 64)
    {
        var image = dir.Combine($"disk-{otherUuid}.img");
        await Run("truncate", "-s", $"{megabytes}M", image);
        await Run("mkfs.ext4", "-q", "-U", otherUuid, image);
        await Run("losetup", "-d", Device);
        await Run("losetup", Device, image);
        return new LoopDisk(otherUuid, image, Device);
    }

    /// <summary>Where the kernel shows this disk mounted now.</summary>
    public IReadOnlyList<string> Mountpoints() => [.. MountTable.Read().Where(m => m.Source == Device).Select(m => m.Mountpoint)];

    /// <summary>Mounts the disk read-only at a folder of the test for <paramref name="look"/>, then unmounts it.</summary>
    public async Task<T> InspectAsync<T>(TempDir dir, Func<string, Task<T>> look)
    {
        var at = dir.CreateSubdirectory("inspect-" + Guid.NewGuid().ToString("N")[..8]);
        await Run("mount", "-o", "ro", Device, at);
        try
        {
            return await look(at);
        }
        finally
        {
            await Run("umount", at);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var mountpoint in Mountpoints().Reverse())
        {
            await TestProcess.RunAsync("umount", [mountpoint], TimeSpan.FromSeconds(60));
        }
        await TestProcess.RunAsync("losetup", ["-d", Device], TimeSpan.FromSeconds(60));
    }

    private static async Task<ProcessResult> Run(string program, params string[] args)
    {
        var result = await TestProcess.RunAsync(program, args, TimeSpan.FromSeconds(60));
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', args)} failed: {result}");
        }
        return result;
    }
}
