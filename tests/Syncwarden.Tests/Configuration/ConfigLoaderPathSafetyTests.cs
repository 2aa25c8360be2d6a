using Syncwarden.Configuration;

namespace Syncwarden.Tests.Configuration;

/// <summary>Paths a sync must not write into, overlapping local syncs, and path settings that must be absolute.</summary>
public sealed class ConfigLoaderPathSafetyTests : IDisposable
{
    private const string SystemHint = "name the folder meant for the copy, such as a backup disk's mount point (/mnt/backup) or a folder below it";
    private const string OverlapHint = "use a destination outside the source that does not contain it either, such as /mnt/backup/data";
    private const string RelativeHint = "; a relative path would depend on the folder syncwarden is started from";

    private readonly string _dir = Directory.CreateTempSubdirectory("sw-pathsafety-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>One job of the given direction (through host nas) that deletes; the destination value is on line 10, column 22.</summary>
    private static string DeletingJob(string direction, string destination, string source = "/srv/data", string stateDir = "/var/lib/syncwarden") => $$"""
        state-dir: {{stateDir}}
        hosts: { nas: { address: nas } }
        jobs:
          j:
            direction: {{direction}}
            {{(direction == "local" ? "# a local job has no host" : "host: nas")}}
            options: [--delete]
            syncs:
              - source: "{{source}}"
                destination: "{{destination}}"
        """;

    /// <summary>Asserts that the one error of <paramref name="yaml"/> (a <see cref="DeletingJob"/>) refuses its destination.</summary>
    private static void ShouldRefuseTheDestination(string yaml, string message, string hint)
    {
        var error = ConfigErrors.Single(yaml);
        error.ShouldBeAt(10, 22, "jobs.j.syncs[0].destination");
        error.Message.Should().Be(message);
        error.Hint.Should().Be(hint);
    }

    [Theory]
    [InlineData("local", "/", "\"/\" is the root folder of this machine", "the whole system")]
    [InlineData("local", "//", "\"//\" (that is /) is the root folder of this machine", "the whole system")]
    [InlineData("local", "/tmp/..", "\"/tmp/..\" (that is /) is the root folder of this machine", "the whole system")]
    [InlineData("pull", "/./", "\"/./\" (that is /) is the root folder of this machine", "the whole system")]
    [InlineData("pull", "/srv/../..//", "\"/srv/../..//\" (that is /) is the root folder of this machine", "the whole system")]
    [InlineData("push", "/", "\"/\" is the root folder of host 'nas'", "the whole system")]
    [InlineData("push", "/.", "\"/.\" (that is /) is the root folder of host 'nas'", "the whole system")]
    [InlineData("local", "/etc", "\"/etc\" is a system folder of this machine", "files the system needs")]
    [InlineData("local", "/usr/", "\"/usr/\" is a system folder of this machine", "files the system needs")]
    [InlineData("local", "/boot", "\"/boot\" is a system folder of this machine", "files the system needs")]
    [InlineData("pull", "/home//", "\"/home//\" is a system folder of this machine", "files the system needs")]
    [InlineData("pull", "/var/./lib", "\"/var/./lib\" (that is /var/lib) is a system folder of this machine", "files the system needs")]
    [InlineData("push", "/bin", "\"/bin\" is a system folder of host 'nas'", "files the system needs")]
    [InlineData("push", "/root", "\"/root\" is a system folder of host 'nas'", "files the system needs")]
    public void Root_and_system_folder_destinations_are_refused_in_any_spelling_for_local_pull_and_push(string direction, string destination, string what, string stake)
    {
        // Act & Assert
        ShouldRefuseTheDestination(DeletingJob(direction, destination),
            $"destination {what}: a sync into it can overwrite or (with --delete) remove {stake}", SystemHint);
    }

    [Theory]
    [InlineData("local", "/home/alice/backup")]
    [InlineData("local", "/var/backups")]
    [InlineData("pull", "/mnt/backup")]
    [InlineData("pull", "/srv")]
    [InlineData("push", "/usr/local/replica")]
    [InlineData("push", "/opt")]
    public void Folders_below_system_folders_and_mount_points_are_allowed(string direction, string destination)
    {
        // Act
        var result = ConfigLoader.Parse(DeletingJob(direction, destination, source: "/data"), ConfigErrors.File);

        // Assert
        result.Errors.Should().BeEmpty();
    }

    [Theory]
    [InlineData("/srv/sw/state", "\"/srv/sw/state\" is syncwarden's state-dir")]
    [InlineData("/srv/sw/", "\"/srv/sw/\" contains syncwarden's state-dir (/srv/sw/state)")]
    [InlineData("/srv/sw/state/../..", "\"/srv/sw/state/../..\" (that is /srv) contains syncwarden's state-dir (/srv/sw/state)")]
    public void Destination_that_is_or_contains_the_state_dir_is_refused(string destination, string what)
    {
        // Act & Assert
        ShouldRefuseTheDestination(DeletingJob("local", destination, source: "/data", stateDir: "/srv/sw/state"),
            $"destination {what}: a sync into it can overwrite or (with --delete) remove the run history and locks",
            "choose a destination that neither is nor contains /srv/sw/state, or move state-dir");
    }

    [Fact]
    public void Destination_that_contains_the_configuration_file_is_refused()
    {
        // Arrange
        var yaml = DeletingJob("pull", "/srv/conf", source: "/data");

        // Act
        var errors = ConfigLoader.Parse(yaml, "/srv/conf/syncwarden.yaml").Errors;

        // Assert
        var error = errors.Should().ContainSingle().Subject;
        error.ShouldBeAt(10, 22, "jobs.j.syncs[0].destination");
        error.Message.Should().Be("destination \"/srv/conf\" contains this configuration file (/srv/conf/syncwarden.yaml): a sync into it can overwrite or (with --delete) remove it");
        error.Hint.Should().Be("choose a destination that does not contain /srv/conf/syncwarden.yaml, or keep the file elsewhere");
    }

    [Fact]
    public void Symlinks_on_this_machine_are_followed_before_comparing()
    {
        // Arrange
        var state = Directory.CreateDirectory(Path.Combine(_dir, "state")).FullName;
        File.CreateSymbolicLink(Path.Combine(_dir, "to-root"), "/");
        File.CreateSymbolicLink(Path.Combine(_dir, "to-state"), state);
        var yaml = $$"""
            state-dir: {{state}}
            jobs:
              rooted: { syncs: [{ source: /data, destination: "{{_dir}}/to-root/" }] }
              stateful: { syncs: [{ source: /data, destination: "{{_dir}}/to-state" }] }
            """;

        // Act
        var errors = ConfigErrors.Of(yaml);

        // Assert
        errors.Select(e => (e.Key, e.Message)).Should().Equal(
            ("jobs.rooted.syncs[0].destination",
                $"destination \"{_dir}/to-root/\" (that is /) is the root folder of this machine: a sync into it can overwrite or (with --delete) remove the whole system"),
            ("jobs.stateful.syncs[0].destination",
                $"destination \"{_dir}/to-state\" (that is {state}) is syncwarden's state-dir: a sync into it can overwrite or (with --delete) remove the run history and locks"));
    }

    [Fact]
    public void Paths_on_the_host_are_compared_as_written_without_following_local_symlinks()
    {
        // Arrange: the same symlink on this machine means nothing on the host, nor does the local state-dir.
        var state = Directory.CreateDirectory(Path.Combine(_dir, "state")).FullName;
        File.CreateSymbolicLink(Path.Combine(_dir, "to-root"), "/");
        var yaml = $$"""
            state-dir: {{state}}
            hosts: { nas: { address: nas } }
            jobs:
              up: { direction: push, host: nas, options: [--delete], syncs: [{ source: /data, destination: "{{_dir}}/to-root/" }] }
              mirror: { direction: push, host: nas, options: [--delete], syncs: [{ source: /data, destination: "{{state}}" }] }
            """;

        // Act
        var result = ConfigLoader.Parse(yaml, ConfigErrors.File);

        // Assert
        result.Errors.Should().BeEmpty();
    }

    [Fact]
    public void A_source_is_only_refused_when_remove_source_files_would_delete_from_it()
    {
        // Arrange: backing up /home with --delete is ordinary; --delete only ever deletes at the destination.
        const string yaml = """
            hosts: { nas: { address: nas } }
            jobs:
              backup: { direction: push, host: nas, options: [--delete], syncs: [{ source: /home, destination: /replica/home }] }
              move: { direction: push, host: nas, syncs: [{ source: /home, destination: /replica/home, options: [--remove-source-files] }] }
              fetch: { host: nas, options: [--remove-source-files], syncs: [{ source: /, destination: /mnt/backup }] }
            """;

        // Act
        var errors = ConfigErrors.Of(yaml);

        // Assert
        const string Hint = "name the folder whose files are meant to be moved, or remove --remove-source-files";
        errors.Should().Equal(
            new ConfigError(ConfigErrors.File, 4, 57, "jobs.move.syncs[0].source",
                "source \"/home\" is a system folder of this machine: --remove-source-files would delete each file there once it is copied", Hint),
            new ConfigError(ConfigErrors.File, 5, 75, "jobs.fetch.syncs[0].source",
                "source \"/\" is the root folder of host 'nas': --remove-source-files would delete each file there once it is copied", Hint));
    }

    [Theory]
    [InlineData("/srv/data", "/srv/data/",
        "destination \"/srv/data/\" is the same folder as source \"/srv/data\": a local job copies between two different folders")]
    [InlineData("/srv/data", "/srv/data/copy",
        "destination \"/srv/data/copy\" is inside source \"/srv/data\": every run would copy the earlier copies once more")]
    [InlineData("/srv/data/", "/srv",
        "destination \"/srv\" contains source \"/srv/data/\": the sync writes over its own source, and with --delete can remove it")]
    [InlineData("/srv/a/../data", "/srv//data/x",
        "destination \"/srv//data/x\" (that is /srv/data/x) is inside source \"/srv/a/../data\" (that is /srv/data): every run would copy the earlier copies once more")]
    public void Overlapping_source_and_destination_of_a_local_job_are_refused(string source, string destination, string message)
    {
        // Act & Assert
        ShouldRefuseTheDestination(DeletingJob("local", destination, source), message, OverlapHint);
    }

    [Fact]
    public void Overlap_through_a_symlink_on_this_machine_is_refused()
    {
        // Arrange
        var data = Directory.CreateDirectory(Path.Combine(_dir, "data")).FullName;
        File.CreateSymbolicLink(Path.Combine(_dir, "alias"), data);

        // Act & Assert
        ShouldRefuseTheDestination(DeletingJob("local", _dir + "/alias/copy", data),
            $"destination \"{_dir}/alias/copy\" (that is {data}/copy) is inside source \"{data}\": every run would copy the earlier copies once more", OverlapHint);
    }

    [Theory]
    [InlineData("local", "/srv/data", "/srv/data-copy")]
    [InlineData("push", "/srv/data", "/srv/data")]
    [InlineData("pull", "/srv/data", "/srv/data/copy")]
    public void Sibling_folders_and_the_two_machines_of_push_and_pull_do_not_overlap(string direction, string source, string destination)
    {
        // Act
        var result = ConfigLoader.Parse(DeletingJob(direction, destination, source), ConfigErrors.File);

        // Assert
        result.Errors.Should().BeEmpty();
    }

    [Theory]
    [InlineData("state-dir: state", "state-dir", "state", "/var/lib/syncwarden")]
    [InlineData("log: { file: logs/syncwarden.log }", "log.file", "logs/syncwarden.log", "/var/log/syncwarden.log")]
    [InlineData("hosts: { nas: { address: nas, identity: keys/id_ed25519 } }", "hosts.nas.identity", "keys/id_ed25519", "/etc/syncwarden/id_ed25519")]
    [InlineData("hosts: { nas: { address: nas, known-hosts: ~/.ssh/known_hosts } }", "hosts.nas.known-hosts", "~/.ssh/known_hosts", "/etc/syncwarden/known_hosts")]
    [InlineData("jobs: { j: { syncs: [{ source: /a, destination: /b }], exclude-from: [/ok.txt, excludes.txt] } }", "jobs.j.exclude-from[1]", "excludes.txt", "/etc/syncwarden/excludes.txt")]
    [InlineData("jobs: { j: { syncs: [{ source: /a, destination: /b }], include-from: [./includes.txt] } }", "jobs.j.include-from[0]", "./includes.txt", "/etc/syncwarden/includes.txt")]
    [InlineData("power: { stay-awake-file: stay-awake }", "power.stay-awake-file", "stay-awake", "/etc/syncwarden/stay-awake")]
    public void Relative_path_settings_are_refused_with_an_absolute_example(string yaml, string key, string value, string example)
    {
        // Act
        var error = ConfigErrors.Single(yaml);

        // Assert
        error.ShouldBeAt(1, yaml.LastIndexOf(value, StringComparison.Ordinal) + 1, key);
        error.Message.Should().Be($"must be an absolute path, got \"{value}\"");
        error.Hint.Should().Be($"e.g. {example}{RelativeHint}");
    }

    [Theory]
    [InlineData("hosts: { nas: { address: nas, identity: \"/keys/${HOME}/id\" } }", "hosts.nas.identity", "/keys/${HOME}/id")]
    [InlineData("hosts: { nas: { address: nas, known-hosts: \"/etc/ssh ${x}/known\" } }", "hosts.nas.known-hosts", "/etc/ssh ${x}/known")]
    public void A_key_or_known_hosts_name_that_ssh_would_expand_as_a_variable_is_refused(string yaml, string key, string value)
    {
        // Act
        var error = ConfigErrors.Single(yaml);

        // Assert
        error.ShouldBeAt(1, yaml.IndexOf('"', StringComparison.Ordinal) + 1, key);
        error.Message.Should().Be($"\"{value}\" contains \"${{\", which ssh would replace with an environment variable");
    }

    [Fact]
    public void Key_and_known_hosts_names_with_spaces_quotes_and_percent_signs_are_accepted()
    {
        // Act
        var result = ConfigLoader.Parse("hosts: { nas: { address: nas, identity: \"/k 'a' \\\"b\\\" %h/id\", known-hosts: \"/k $x/known\" } }", ConfigErrors.File);

        // Assert
        result.Errors.Should().BeEmpty();
        result.Config!.Hosts["nas"].Identity.Should().Be("/k 'a' \"b\" %h/id");
    }

    [Theory]
    [InlineData("rsync-path: bin/rsync", "rsync-path", "bin/rsync", "/usr/bin/rsync")]
    [InlineData("ssh-path: ./ssh", "ssh-path", "./ssh", "/usr/bin/ssh")]
    [InlineData("power: { rtcwake-path: sbin/rtcwake }", "power.rtcwake-path", "sbin/rtcwake", "/usr/sbin/rtcwake")]
    public void Relative_program_paths_are_refused_and_bare_names_are_looked_up_on_PATH(string yaml, string key, string value, string example)
    {
        // Arrange
        const string BareNames = "rsync-path: rsync\nssh-path: ssh\npower: { rtcwake-path: rtcwake }\n";

        // Act
        var error = ConfigErrors.Single(yaml);
        var bare = ConfigLoader.Parse(BareNames, ConfigErrors.File);

        // Assert
        error.ShouldBeAt(1, yaml.LastIndexOf(value, StringComparison.Ordinal) + 1, key);
        error.Message.Should().Be($"must be an absolute path or a bare name found on PATH, got \"{value}\"");
        error.Hint.Should().Be($"e.g. {example}{RelativeHint}");
        bare.Errors.Should().BeEmpty();
    }

    [Fact]
    public void Every_path_problem_in_a_file_is_reported_in_one_pass()
    {
        // Arrange
        const string yaml = """
            state-dir: var/syncwarden
            jobs:
              wipe: { options: [--delete], syncs: [{ source: /srv/data, destination: / }] }
              loop: { syncs: [{ source: /srv/data, destination: /srv/data/copy }] }
              typo: { direction: sideways, syncs: [{ source: /srv/data, destination: / }] }
            """;

        // Act
        var errors = ConfigErrors.Of(yaml);

        // Assert: the misspelt direction is reported once, without guessing which side is local.
        errors.Select(e => (e.Line, e.Key)).Should().Equal(
            (1, "state-dir"),
            (3, "jobs.wipe.syncs[0].destination"),
            (4, "jobs.loop.syncs[0].destination"),
            (5, "jobs.typo.direction"));
    }
}
