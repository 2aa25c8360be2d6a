using Syncwarden.Configuration;
using Syncwarden.Rsync;

namespace Syncwarden.Tests.Rsync;

public sealed class RsyncCommandBuilderTests
{
    private static readonly HostConfig s_host = new()
    {
        Name = "nas1", Address = "192.0.2.10", User = "replicate", Port = 2222, Identity = "/etc/syncwarden/id ed25519",
        KnownHosts = "/etc/syncwarden/known_hosts", SshOptions = ["Compression=yes"],
    };

    private static SyncwardenConfig Config => new() { SourceFile = "/etc/syncwarden/syncwarden.yaml", RsyncPath = "/usr/bin/rsync" };

    private static JobConfig Job(Direction direction, params SyncPair[] syncs) => new()
    {
        Name = "nightly", Direction = direction, Host = direction == Direction.Local ? null : "nas1",
        HostConfig = direction == Direction.Local ? null : s_host, Syncs = syncs,
    };

    [Fact]
    public void Local_transfer_uses_archive_secluded_args_partial_dir_temp_dir_and_progress()
    {
        var sync = new SyncPair { Source = "/data/work", Destination = "/backup" };
        var spec = new RsyncCommandBuilder(Config, Job(Direction.Local, sync)).Build(sync, RsyncMode.Transfer);

        spec.FileName.Should().Be("/usr/bin/rsync");
        spec.Arguments.Should().StartWith(["--archive", "--secluded-args", "--partial-dir=/backup/.syncwarden-partial"]);
        spec.Arguments.Should().Contain(["--info=progress2", "--stats", "--temp-dir=.syncwarden-tmp"]);
        spec.Arguments.Should().NotContain(a => a.StartsWith("--exclude", StringComparison.Ordinal), "nothing deletes, so no protecting rule is needed");
        spec.Arguments.Should().NotContain(a => a.StartsWith("--rsh", StringComparison.Ordinal));
        spec.Arguments.TakeLast(3).Should().Equal("--", "/data/work", "/backup");
        spec.Environment.Should().Contain("LC_ALL", "C");
    }

    [Theory]
    [InlineData("/data/work", "/data/")]
    [InlineData("/data/work/", "/data/work/")]
    [InlineData("/work", "/")]
    public void Resuming_one_file_first_lists_it_from_the_transfer_root_and_deletes_nothing(string source, string root)
    {
        var sync = new SyncPair { Source = source, Destination = "/backup", Options = ["--delete", "--delete-excluded"] };
        var builder = new RsyncCommandBuilder(Config, Job(Direction.Pull, sync));

        var spec = builder.BuildResumeFirst(sync, "/tmp/list");

        spec.Arguments.Should().Contain(["--files-from=/tmp/list", "--from0", "--partial-dir=/backup/.syncwarden-partial"]);
        spec.Arguments.Should().NotContain(a => a.StartsWith("--del", StringComparison.Ordinal) || a.StartsWith("--exclude", StringComparison.Ordinal),
            "the one file is copied; deletions are the whole sync's business");
        spec.Arguments.TakeLast(3).Should().Equal("--", "192.0.2.10:" + root, "/backup");
        builder.ResumesInterruptedFileFirst(sync).Should().BeTrue();
    }

    [Fact]
    public void Only_a_partial_folder_at_an_absolute_path_resumes_the_interrupted_file_first_and_not_where_the_receiver_is_restricted()
    {
        var sync = new SyncPair { Source = "/data/work", Destination = "/backup" };
        var relative = new SyncPair { Source = "/data/work", Destination = "backup" };
        var managed = Job(Direction.Push, sync) with { HostConfig = s_host with { ManagedKey = true } };
        var tls = s_host with { Transport = Transport.RsyncTls, Tls = new TlsSettings { PskFile = "/etc/syncwarden/psk" } };

        new RsyncCommandBuilder(Config, Job(Direction.Push, sync) with { HostConfig = tls }).ResumesInterruptedFileFirst(sync).Should().BeTrue("a push keeps the list of names on the sending side");
        new RsyncCommandBuilder(Config, Job(Direction.Pull, sync) with { HostConfig = tls }).ResumesInterruptedFileFirst(sync).Should().BeFalse("the daemon would have to take the list");

        new RsyncCommandBuilder(Config, Job(Direction.Push, sync)).ResumesInterruptedFileFirst(sync).Should().BeTrue();
        new RsyncCommandBuilder(Config, Job(Direction.Local, sync)).ResumesInterruptedFileFirst(sync).Should().BeTrue();
        new RsyncCommandBuilder(Config, Job(Direction.Push, sync) with { Resume = false }).ResumesInterruptedFileFirst(sync).Should().BeFalse();
        new RsyncCommandBuilder(Config, Job(Direction.Push, relative)).ResumesInterruptedFileFirst(relative).Should().BeFalse("a relative partial folder is per folder");
        new RsyncCommandBuilder(Config, managed).ResumesInterruptedFileFirst(sync).Should().BeFalse("rrsync takes only the transfers its key allows");
    }

    [Fact]
    public void Delete_option_adds_delete_delay_so_deletions_wait_for_the_transfer()
    {
        var sync = new SyncPair { Source = "/data/work", Destination = "/backup", Options = ["--delete"] };
        var builder = new RsyncCommandBuilder(Config, Job(Direction.Local, sync));

        var args = builder.Build(sync, RsyncMode.Transfer).Arguments.ToList();

        builder.SyncDeletes(sync).Should().BeTrue();
        args.Should().Contain("--delete-delay");
        args.Should().Contain("--exclude=/.syncwarden-*/", "our temp and partial folders are never deleted");
        args.IndexOf("--delete-delay").Should().BeLessThan(args.IndexOf("--delete"));
    }

    [Theory]
    [InlineData("--delete-missing-args")]
    [InlineData("--delete-something-new")]
    public void Options_that_only_look_like_delete_do_not_turn_a_copy_into_a_mirror(string option)
    {
        var sync = new SyncPair { Source = "/data/work", Destination = "/backup", Options = [option] };
        var builder = new RsyncCommandBuilder(Config, Job(Direction.Local, sync));

        builder.SyncDeletes(sync).Should().BeFalse();
        builder.Build(sync, RsyncMode.Transfer).Arguments.Should().NotContain("--delete-delay");
    }

    [Fact]
    public void Delete_after_is_kept_as_the_timing_and_not_combined_with_delete_delay()
    {
        var sync = new SyncPair { Source = "/data/work", Destination = "/backup", Options = ["--delete", "--delete-after"] };
        var args = new RsyncCommandBuilder(Config, Job(Direction.Local, sync)).Build(sync, RsyncMode.Transfer).Arguments;

        args.Should().Contain("--delete-after").And.NotContain("--delete-delay");
    }

    [Fact]
    public void Sync_without_delete_option_does_not_delete()
    {
        var sync = new SyncPair { Source = "/data/work", Destination = "/backup" };
        var builder = new RsyncCommandBuilder(Config, Job(Direction.Local, sync));

        builder.SyncDeletes(sync).Should().BeFalse();
        builder.Build(sync, RsyncMode.Transfer).Arguments.Should().NotContain(a => a.StartsWith("--delete", StringComparison.Ordinal));
    }

    [Fact]
    public void Push_targets_the_host_and_passes_ssh_options_through_rsh()
    {
        var sync = new SyncPair { Source = "/data/work", Destination = "/srv/replica" };
        var job = Job(Direction.Push, sync) with { Bandwidth = 5000 };
        var args = new RsyncCommandBuilder(Config, job).Build(sync, RsyncMode.Transfer).Arguments;

        args.Should().Contain("--bwlimit=5000");
        args[^1].Should().Be("192.0.2.10:/srv/replica");
        args[^2].Should().Be("/data/work");
        args.Should().NotContain(a => a.StartsWith("--temp-dir", StringComparison.Ordinal), "the receiver is remote");
        var rsh = args.Single(a => a.StartsWith("--rsh=", StringComparison.Ordinal));
        rsh.Should().Contain("'-p' '2222'").And.Contain("'-l' 'replicate'").And.Contain("'-o' 'IdentityFile=\"/etc/syncwarden/id ed25519\"'")
            .And.Contain("'BatchMode=yes'").And.Contain("'StrictHostKeyChecking=yes'").And.Contain("'UserKnownHostsFile=\"/etc/syncwarden/known_hosts\"'")
            .And.Contain("'Compression=yes'");
    }

    [Fact]
    public void Pull_reads_from_the_host_into_the_local_destination()
    {
        var sync = new SyncPair { Source = "/mnt/storage/work", Destination = "/mnt/backup" };
        var builder = new RsyncCommandBuilder(Config, Job(Direction.Pull, sync));
        var args = builder.Build(sync, RsyncMode.Transfer).Arguments;

        args.TakeLast(2).Should().Equal("192.0.2.10:/mnt/storage/work", "/mnt/backup");
        builder.ReceiverIsLocal.Should().BeTrue();
        args.Should().Contain("--temp-dir=.syncwarden-tmp");
    }

    [Fact]
    public void Preview_is_a_dry_run_with_itemized_output_and_no_temp_dir()
    {
        var sync = new SyncPair { Source = "/data/work", Destination = "/backup", Options = ["--delete"] };
        var args = new RsyncCommandBuilder(Config, Job(Direction.Local, sync)).Build(sync, RsyncMode.Preview).Arguments;

        args.Should().Contain(["--dry-run", "--out-format=" + ItemizeParser.OutFormat, "--delete-delay"]);
        args.Should().NotContain("--info=progress2");
        args.Should().NotContain(a => a.StartsWith("--temp-dir", StringComparison.Ordinal));
    }

    [Fact]
    public void Includes_come_before_excludes_and_sync_excludes_before_job_excludes()
    {
        var sync = new SyncPair { Source = "/data/work", Destination = "/backup", Exclude = ["cache/"] };
        var job = Job(Direction.Local, sync) with { Include = ["keep.tmp"], Exclude = ["*.tmp"], ExcludeFrom = ["/etc/x.list"], IncludeFrom = ["/etc/i.list"] };
        var args = new RsyncCommandBuilder(Config, job).Build(sync, RsyncMode.Transfer).Arguments.ToList();

        args.IndexOf("--include=keep.tmp").Should().BeLessThan(args.IndexOf("--exclude=*.tmp"));
        args.IndexOf("--include-from=/etc/i.list").Should().BeLessThan(args.IndexOf("--exclude=cache/"));
        args.IndexOf("--exclude=cache/").Should().BeLessThan(args.IndexOf("--exclude=*.tmp"));
        args.Should().Contain("--exclude-from=/etc/x.list");
    }

    [Fact]
    public void Lock_files_inside_the_source_are_excluded_first_anchored_at_the_transfer_root_and_others_are_not()
    {
        // Arrange: a push of /srv/data and a pull of the same path from nas1, with locks here, there and elsewhere.
        var sync = new SyncPair { Source = "/srv/data", Destination = "/backup" };
        LockRef[] locks = [new(null, "/srv/data/run/nightly.lock"), new(null, "/srv/database.lock"), new("nas1", "/srv/data/nas.lock")];
        LockRef[] blocksOn = [new(null, "/srv/data/veeam/*.lock"), new(null, "/var/lock/other.lock")];
        var push = Job(Direction.Push, sync) with { Locks = locks, BlocksOn = blocksOn, Include = ["*.lock"] };
        var pull = Job(Direction.Pull, sync) with { Locks = locks, BlocksOn = blocksOn };
        var slash = sync with { Source = "/srv/data/" };

        // Act
        var pushArgs = new RsyncCommandBuilder(Config, push).Build(sync, RsyncMode.Transfer).Arguments.ToList();
        var previewArgs = new RsyncCommandBuilder(Config, push).Build(sync, RsyncMode.Preview).Arguments;
        var slashArgs = new RsyncCommandBuilder(Config, push).Build(slash, RsyncMode.Transfer).Arguments;
        var pullArgs = new RsyncCommandBuilder(Config, pull).Build(sync, RsyncMode.Transfer).Arguments;

        // Assert
        string[] pushExcludes = ["--exclude=/data/run/nightly.lock", "--exclude=/data/veeam/*.lock"];
        pushArgs.Where(a => a.StartsWith("--exclude=", StringComparison.Ordinal)).Should().Equal(pushExcludes);
        pushArgs.IndexOf(pushExcludes[^1]).Should().BeLessThan(pushArgs.IndexOf("--include=*.lock"), "rsync takes the first rule that matches");
        previewArgs.Should().Contain(pushExcludes, "the dry run counts the same files");
        slashArgs.Should().Contain("--exclude=/run/nightly.lock").And.Contain("--exclude=/veeam/*.lock");
        pullArgs.Where(a => a.StartsWith("--exclude=", StringComparison.Ordinal)).Should().Equal(["--exclude=/data/nas.lock"], "a pull's source is on nas1");
    }

    [Fact]
    public void Resume_false_leaves_out_the_partial_dir()
    {
        var sync = new SyncPair { Source = "/data/work", Destination = "/backup" };
        var job = Job(Direction.Local, sync) with { Resume = false };

        new RsyncCommandBuilder(Config, job).Build(sync, RsyncMode.Transfer).Arguments
            .Should().NotContain(a => a.StartsWith("--partial", StringComparison.Ordinal)).And.Contain("--temp-dir=.syncwarden-tmp");
    }

    [Fact]
    public void A_dry_run_leaves_out_an_absolute_partial_dir_but_keeps_a_relative_one()
    {
        // rsync looks the partial dir up for every file; a dry run never keeps or uses a partial file. A relative
        // partial dir is also an exclude rule in every folder, which a dry run with --delete still needs.
        var absolute = new SyncPair { Source = "/data/work", Destination = "/backup", Options = ["--delete"] };
        var relative = new SyncPair { Source = "/data/work", Destination = "replica/work", Options = ["--delete"] };
        var local = new RsyncCommandBuilder(Config, Job(Direction.Local, absolute));
        var push = new RsyncCommandBuilder(Config, Job(Direction.Push, relative));

        local.Build(absolute, RsyncMode.Preview).Arguments.Should().NotContain(a => a.StartsWith("--partial", StringComparison.Ordinal))
            .And.Contain("--exclude=/.syncwarden-*/");
        local.Build(absolute, RsyncMode.Transfer).Arguments.Should().Contain("--partial-dir=/backup/.syncwarden-partial");
        push.Build(relative, RsyncMode.Preview).Arguments.Should().Contain("--partial-dir=.syncwarden-partial");
    }

    [Fact]
    public void A_relative_remote_destination_gets_a_relative_partial_dir()
    {
        var sync = new SyncPair { Source = "/data", Destination = "replica/data" };

        RsyncCommandBuilder.PartialDirFor(sync).Should().Be(".syncwarden-partial");
        RsyncCommandBuilder.PartialDirFor(sync with { Destination = "/srv/replica/" }).Should().Be("/srv/replica/.syncwarden-partial");
    }

    [Fact]
    public void Ipv6_host_address_is_bracketed()
    {
        var sync = new SyncPair { Source = "/data", Destination = "/backup" };
        var job = Job(Direction.Push, sync) with { HostConfig = s_host with { Address = "fd00::5" } };

        new RsyncCommandBuilder(Config, job).DestinationArgument(sync).Should().Be("[fd00::5]:/backup");
    }

    [Fact]
    public void Source_listing_lists_the_top_level_of_the_source_directory()
    {
        var sync = new SyncPair { Source = "/mnt/storage/work", Destination = "/mnt/backup" };
        var args = new RsyncCommandBuilder(Config, Job(Direction.Pull, sync)).BuildSourceListing(sync).Arguments;

        args.Should().Contain(["--list-only", "--dirs"]);
        args[^1].Should().Be("192.0.2.10:/mnt/storage/work/");
    }
}
