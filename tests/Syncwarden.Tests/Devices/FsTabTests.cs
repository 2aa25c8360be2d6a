using System.Diagnostics;
using Syncwarden.Devices;

namespace Syncwarden.Tests.Devices;

public sealed class FsTabTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("syncwarden-fstab-").FullName;

    private const string Table = """
        # /etc/fstab: static file system information.
        UUID=0a1b2c3d	/	ext4	errors=remount-ro	0	1

        UUID=1111 /mnt/backup ext4 noauto,nofail 0 2
        LABEL=photos   /mnt/backup/photos\040disk  ext4 defaults 0 2
        /dev/sdb2 none swap sw 0 0
        tmpfs /tmp/ tmpfs defaults 0 0
          # an indented comment
        /srv/export /exports/srv none bind 0 0
        """;

    [Fact]
    public void Mount_points_and_their_lines_match_what_findmnt_reads_from_the_same_table()
    {
        // Arrange
        var fstab = Write("fstab", Table);

        // Act
        var ours = FsTab.Read(fstab);
        var findmnt = Run("findmnt", "--tab-file", fstab, "--noheadings", "--raw", "--output", "TARGET");

        // Assert: findmnt (util-linux) lists the swap entry as "none", prints spaces as \x20 and keeps a trailing slash.
        var theirs = findmnt.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(t => t != "none")
            .Select(t => t.Replace("\\x20", " ", StringComparison.Ordinal)).Select(t => t.Length > 1 ? t.TrimEnd('/') : t);
        ours.Select(e => e.Mountpoint).Should().Equal(theirs);
        ours.Should().Equal(
            new FsTabEntry("/", 2), new FsTabEntry("/mnt/backup", 4), new FsTabEntry("/mnt/backup/photos disk", 5),
            new FsTabEntry("/tmp", 7), new FsTabEntry("/exports/srv", 9));
    }

    [Fact]
    public void A_path_under_an_unmounted_mount_point_names_the_deepest_one_and_a_mounted_one_or_none_gives_null()
    {
        // Arrange: /mnt/backup is mounted, the photos disk inside it is not; / never counts.
        var fstab = Write("fstab", Table);
        var mountinfo = Write("mountinfo", """
            22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw
            40 22 8:17 / /mnt/backup rw,relatime shared:2 - ext4 /dev/sdb1 rw
            """);

        // Act
        var photos = FsTab.UnmountedAbove("/mnt/backup/photos disk/2026/", fstab, mountinfo);
        var backup = FsTab.UnmountedAbove("/mnt/backup/mail", fstab, mountinfo);
        var elsewhere = FsTab.UnmountedAbove("/srv/replica", fstab, mountinfo);
        var tmp = FsTab.UnmountedAbove("/tmp", fstab, mountinfo);
        var lookalike = FsTab.UnmountedAbove("/tmpfiles/x", fstab, mountinfo);
        var noFstab = FsTab.UnmountedAbove("/mnt/backup/photos disk", Path.Combine(_dir, "missing"), mountinfo);

        // Assert
        photos.Should().Be(new FsTabEntry("/mnt/backup/photos disk", 5));
        backup.Should().BeNull("its disk is mounted");
        elsewhere.Should().BeNull("no fstab entry holds it but /");
        tmp.Should().Be(new FsTabEntry("/tmp", 7), "the mount point itself counts");
        lookalike.Should().BeNull("/tmpfiles is not under /tmp");
        noFstab.Should().BeNull();
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, text + "\n");
        return path;
    }

    private static string Run(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        process.ExitCode.Should().Be(0, process.StandardError.ReadToEnd());
        return output;
    }
}
