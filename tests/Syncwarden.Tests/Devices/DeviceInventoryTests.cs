using Syncwarden.Configuration;
using Syncwarden.Devices;

namespace Syncwarden.Tests.Devices;

public sealed class DeviceInventoryTests
{
    [Fact]
    public void Udev_rules_start_the_device_unit_once_per_listed_disk()
    {
        // Arrange: two jobs share one disk.
        var config = ConfigLoader.Parse("""
            jobs:
              photos:
                device: { uuids: [0a1b2c3d-4e5f-6789-abcd-ef0123456789, ABCD-1234], mountpoint: /mnt/disk }
                syncs: [{ source: /srv/photos/, destination: /mnt/disk/photos }]
              mail:
                device: { uuids: [ABCD-1234], mountpoint: /mnt/disk }
                syncs: [{ source: /srv/mail/, destination: /mnt/disk/mail }]
              plain:
                syncs: [{ source: /srv/x/, destination: /backup/x }]
            """, "/etc/syncwarden/syncwarden.yaml").Config!;

        // Act
        var rules = DeviceInventory.UdevRules(config).Split('\n').Where(l => l.Length > 0 && l[0] != '#').ToList();

        // Assert
        rules.Should().Equal(
            "ACTION==\"add\", SUBSYSTEM==\"block\", ENV{ID_FS_UUID}==\"0a1b2c3d-4e5f-6789-abcd-ef0123456789\", TAG+=\"systemd\", ENV{SYSTEMD_WANTS}+=\"syncwarden-device@0a1b2c3d-4e5f-6789-abcd-ef0123456789.service\"",
            "ACTION==\"add\", SUBSYSTEM==\"block\", ENV{ID_FS_UUID}==\"ABCD-1234\", TAG+=\"systemd\", ENV{SYSTEMD_WANTS}+=\"syncwarden-device@ABCD-1234.service\"");
        DeviceInventory.UdevRules(config).Should().Contain("# jobs: photos, mail\n");
    }

    [Fact]
    public void Mountinfo_lines_give_mountpoint_source_and_type_with_escapes_decoded()
    {
        var entry = MountTable.Parse("36 35 7:3 / /mnt/backup\\040disk rw,relatime shared:1 - ext4 /dev/loop3 rw");

        entry.Should().Be(new MountEntry("/mnt/backup disk", "/dev/loop3", "ext4"));
        MountTable.Parse("garbage").Should().BeNull();
    }
}
