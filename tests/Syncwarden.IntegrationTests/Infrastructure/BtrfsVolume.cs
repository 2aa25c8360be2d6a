namespace Syncwarden.IntegrationTests.Infrastructure;

/// <summary>
/// A btrfs filesystem made by the test: an image file in its temp dir, loop-mounted. Dispose unmounts it and detaches
/// the loop device, also when the test failed (dispose it before the temp dir that holds it).
/// </summary>
public sealed class BtrfsVolume : IAsyncDisposable
{
    private BtrfsVolume(string image, string mountPoint)
    {
        Image = image;
        MountPoint = mountPoint;
    }

    public string Image { get; }
    public string MountPoint { get; }

    public string Combine(params string[] parts) => Path.Combine([MountPoint, .. parts]);

    public static async Task<BtrfsVolume> CreateAsync(TempDir dir, string size = "256M")
    {
        var image = dir.Combine("btrfs.img");
        var mountPoint = dir.CreateSubdirectory("btrfs");
        await MustAsync("truncate", "-s", size, image);
        await MustAsync("mkfs.btrfs", "-q", image);
        await MustAsync("mount", "-o", "loop", image, mountPoint);
        return new BtrfsVolume(image, mountPoint);
    }

    /// <summary>Creates subvolume <paramref name="name"/> at the top of the filesystem; returns its path.</summary>
    public async Task<string> CreateSubvolumeAsync(string name)
    {
        var path = Combine(name);
        await MustAsync("btrfs", "subvolume", "create", path);
        return path;
    }

    /// <summary>The paths (relative to the top) of every subvolume on the filesystem.</summary>
    public async Task<IReadOnlyList<string>> SubvolumesAsync()
    {
        var list = await MustAsync("btrfs", "subvolume", "list", MountPoint);
        return [.. list.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l[(l.IndexOf(" path ", StringComparison.Ordinal) + 6)..])];
    }

    public async ValueTask DisposeAsync()
    {
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var umount = await TestProcess.RunAsync("umount", [MountPoint], TimeSpan.FromSeconds(30));
            if (umount.ExitCode == 0 || !IsMounted())
            {
                break;
            }
            // A child of a killed run may still be closing its files.
            await Task.Delay(200);
        }
        if (IsMounted())
        {
            await TestProcess.RunAsync("umount", ["-l", MountPoint], TimeSpan.FromSeconds(30));
        }
        // mount -o loop detaches on unmount (autoclear); a device left attached to the image goes here.
        var attached = await TestProcess.RunAsync("losetup", ["-j", Image], TimeSpan.FromSeconds(30));
        foreach (var line in attached.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            await TestProcess.RunAsync("losetup", ["-d", line[..line.IndexOf(':')]], TimeSpan.FromSeconds(30));
        }
    }

    private bool IsMounted() => File.ReadAllLines("/proc/self/mounts").Any(l => l.Split(' ')[1] == MountPoint);

    private static async Task<ProcessResult> MustAsync(string program, params string[] args)
    {
        var result = await TestProcess.RunAsync(program, args, TimeSpan.FromSeconds(60));
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', args)} failed: {result}");
        }
        return result;
    }
}
