using Syncwarden.Configuration;

namespace Syncwarden.Tests.Configuration;

public sealed class ConfigLoaderDeviceTests
{
    private const string Email = "email: { host: mail.example.net, sender: backup@example.net, receivers: [admin@example.net] }\n";

    private static string Job(string device, string direction = "local", string destination = "/mnt/disk/data") => $$"""
        jobs:
          offsite:
            direction: {{direction}}
            {{(direction == "local" ? "" : "host: nas")}}
            device: {{device}}
            syncs: [{ source: /srv/data/, destination: {{destination}} }]
        """;

    private const string Hosts = "hosts: { nas: { address: nas.example.net } }\n";

    [Fact]
    public void Device_section_binds_disks_in_order_with_their_receivers()
    {
        // Arrange
        var yaml = Email + Job("""
            { uuids: [{ uuid: 0A1B2C3D-4E5F-6789-ABCD-EF0123456789, notify: [anna@example.net, ben@example.net] }, ABCD-1234], mountpoint: /mnt/disk/, mount-options: "noatime,nodev", free-space-warning: 20G }
            """);

        // Act
        var result = ConfigLoader.Parse(yaml, ConfigErrors.File);

        // Assert
        result.Errors.Should().BeEmpty();
        var device = result.Config!.Jobs.Single().Device!;
        device.Disks.Select(d => d.Uuid).Should().Equal("0A1B2C3D-4E5F-6789-ABCD-EF0123456789", "ABCD-1234");
        device.Disks[0].Notify.Should().Equal("anna@example.net", "ben@example.net");
        device.Disks[1].Notify.Should().BeEmpty();
        device.Mountpoint.Should().Be("/mnt/disk");
        device.MountOptions.Should().Be("noatime,nodev");
        device.FreeSpaceWarning.Should().Be(new FreeSpaceThreshold(20L << 30, null));
        device.Find("0a1b2c3d-4e5f-6789-abcd-ef0123456789").Should().BeSameAs(device.Disks[0], "blkid and udev may spell a UUID in another case");
    }

    [Theory]
    [InlineData("\"10%\"", null, 10.0)]
    [InlineData("500M", 500L << 20, null)]
    [InlineData("1.5T", 3L << 39, null)]
    [InlineData("4096", 4096L, null)]
    public void Free_space_warning_takes_a_share_or_a_size(string value, long? bytes, double? percent)
    {
        var config = ConfigLoader.Parse(Job($"{{ uuids: [ABCD-1234], mountpoint: /mnt/disk, free-space-warning: {value} }}"), ConfigErrors.File).Config!;

        config.Jobs.Single().Device!.FreeSpaceWarning.Should().Be(new FreeSpaceThreshold(bytes, percent));
    }

    [Fact]
    public void Free_space_threshold_compares_bytes_or_share()
    {
        new FreeSpaceThreshold(100, null).IsBelow(99, 1000).Should().BeTrue();
        new FreeSpaceThreshold(100, null).IsBelow(100, 1000).Should().BeFalse();
        new FreeSpaceThreshold(null, 10).IsBelow(99, 1000).Should().BeTrue();
        new FreeSpaceThreshold(null, 10).IsBelow(100, 1000).Should().BeFalse();
    }

    [Theory]
    [InlineData("{ uuids: [not a uuid!], mountpoint: /mnt/disk }", "jobs.offsite.device.uuids[0]", "is not a filesystem UUID")]
    [InlineData("{ uuids: [ABCD-1234, abcd-1234], mountpoint: /mnt/disk }", "jobs.offsite.device.uuids[1]", "listed twice")]
    [InlineData("{ uuids: [ABCD-1234], mountpoint: mnt/disk }", "jobs.offsite.device.mountpoint", "absolute path")]
    [InlineData("{ uuids: [ABCD-1234], mountpoint: / }", "jobs.offsite.device.mountpoint", "must not be /")]
    [InlineData("{ uuids: [ABCD-1234], mountpoint: /mnt/disk, free-space-warning: lots }", "jobs.offsite.device.free-space-warning", "percentage")]
    [InlineData("{ uuids: [ABCD-1234], mountpoint: /mnt/disk, size: 1 }", "jobs.offsite.device.size", "size")]
    [InlineData("{ mountpoint: /mnt/disk }", "jobs.offsite.device.uuids", "uuids")]
    public void Mistakes_in_the_device_section_name_the_key(string device, string key, string message)
    {
        var error = ConfigErrors.Single(Job(device));

        error.Key.Should().Be(key, error.ToString());
        error.Message.Should().Contain(message);
        error.Hint.Should().NotBeNullOrWhiteSpace();
    }

    [Fact]
    public void Destination_outside_the_mountpoint_is_refused()
    {
        var error = ConfigErrors.Single(Job("{ uuids: [ABCD-1234], mountpoint: /mnt/disk }", destination: "/mnt/diskette/data"));

        error.Key.Should().Be("jobs.offsite.device");
        error.Message.Should().Contain("/mnt/diskette/data").And.Contain("not below the mountpoint /mnt/disk");
    }

    [Fact]
    public void Push_job_cannot_use_a_disk_attached_here()
    {
        var error = ConfigErrors.Single(Hosts + Job("{ uuids: [ABCD-1234], mountpoint: /mnt/disk }", direction: "push"));

        error.Key.Should().Be("jobs.offsite.device");
        error.Message.Should().Contain("push job");
    }

    [Fact]
    public void Disk_receivers_need_the_global_email_section()
    {
        var error = ConfigErrors.Single(Job("{ uuids: [{ uuid: ABCD-1234, notify: [anna@example.net] }], mountpoint: /mnt/disk }"));

        error.Key.Should().Be("jobs.offsite.device");
        error.Message.Should().Contain("email:");
    }
}
