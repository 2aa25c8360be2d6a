namespace Syncwarden.IntegrationTests.Infrastructure;

/// <summary>
/// A real filesystem made by the test: an image file (truncate), mkfs (ext4 or btrfs), attached to a loop device and
/// mounted (mount -o loop). Disposing unmounts it (lazily if something still holds it), detaches the loop device
/// and removes the image, also when the test failed. Needs root.
/// </summary>
public sealed class LoopFilesystem : IAsyncDisposable
{
    private readonly TempDir _dir;
    private bool _mounted;

    private LoopFilesystem(TempDir dir, string type)
    {
        _dir = dir;
        Type = type;
    }

    public string Type { get; }

    public string Image => _dir.Combine("fs.img");

    /// <summary>Where it is mounted; tests create their folders below it.</summary>
    public string MountPoint => _dir.Combine("mnt");

    public string Combine(params string[] parts) => Path.Combine([MountPoint, .. parts]);

    /// <summary>Creates, formats and mounts a filesystem of <paramref name="type"/> (ext4, btrfs) and <paramref name="sizeMb"/> MiB.</summary>
    public static async Task<LoopFilesystem> CreateAsync(string type, int sizeMb = 256)
    {
        var fs = new LoopFilesystem(new TempDir("loop-" + type), type);
        try
        {
            Directory.CreateDirectory(fs.MountPoint);
            await MustAsync("truncate", "-s", $"{sizeMb}M", fs.Image);
            await (type == "btrfs" ? MustAsync("mkfs.btrfs", "-q", "-f", fs.Image) : MustAsync("mkfs.ext4", "-q", "-F", fs.Image));
            await MustAsync("mount", "-o", "loop", "-t", type, fs.Image, fs.MountPoint);
            fs._mounted = true;
            return fs;
        }
        catch
        {
            await fs.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs a command that must succeed (exit 0); returns its result.</summary>
    public static async Task<ProcessResult> MustAsync(string program, params string[] args)
    {
        var result = await TestProcess.RunAsync(program, args, TimeSpan.FromSeconds(120));
        result.ExitCode.Should().Be(0, $"{program} {string.Join(' ', args)} must succeed: {result}");
        return result;
    }

    public async ValueTask DisposeAsync()
    {
        if (_mounted)
        {
            var umount = await TestProcess.RunAsync("umount", [MountPoint], TimeSpan.FromSeconds(60));
            if (umount.ExitCode != 0)
            {
                // A process of a failed test may still hold a file: detach now, the kernel frees it when released.
                await TestProcess.RunAsync("umount", ["-l", MountPoint], TimeSpan.FromSeconds(60));
            }
            _mounted = false;
        }
        // mount -o loop sets autoclear; a device still attached to the image (a failed mount) is detached here.
        var attached = await TestProcess.RunAsync("losetup", ["-j", Image], TimeSpan.FromSeconds(30));
        foreach (var line in attached.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            await TestProcess.RunAsync("losetup", ["-d", line[..line.IndexOf(':')]], TimeSpan.FromSeconds(30));
        }
        _dir.Dispose();
    }
}
