using Syncwarden.IntegrationTests.Infrastructure;

namespace Syncwarden.IntegrationTests.Hooks;

public sealed class PluginTests
{
    private static TestConfig Job(TempDir dir, string source, string replica, string pluginsDir) =>
        new TestConfig(dir).Job("hot", $$"""
            direction: local
            plugins-dir: {{TestConfig.Q(pluginsDir)}}
            syncs:
              - { source: {{TestConfig.Q(source + "/")}}, destination: {{TestConfig.Q(replica)}} }
            """);

    [Fact]
    public async Task Plugins_append_includes_and_excludes_that_rsync_honours()
    {
        // Arrange: one plugin excludes every log, a later one keeps keep.log; includes are given to rsync first.
        using var dir = new TempDir("plugins");
        var source = dir.CreateSubdirectory("src");
        new TreeBuilder(source).File("a.txt", 100).File("keep.log", 10).File("drop.log", 10).File("sub/x.log", 10).File("sub/y.txt", 10);
        var replica = dir.Combine("replica");
        var plugins = dir.CreateSubdirectory("plugins.d");
        var args = dir.Combine("plugin-args");
        HookBed.Script(Path.Combine(plugins, "10-no-logs"), $"echo '*.log' >> \"$2\"; printf '%s\\n' \"$#\" \"$1\" \"$2\" > {args}");
        HookBed.Script(Path.Combine(plugins, "20-keep"), "echo 'keep.log' >> \"$1\"");
        // Never run: a dotfile, a file without execute permission, a plugin in a subfolder.
        HookBed.Script(Path.Combine(plugins, ".disabled"), "echo fail >&2; exit 1");
        File.WriteAllText(Path.Combine(plugins, "README"), "#!/bin/sh\nexit 1\n");
        HookBed.Script(Path.Combine(plugins, "nested", "30-deep"), "exit 1");
        var config = Job(dir, source, replica, plugins);

        // Act
        var (exitCode, record, cli) = await HookBed.RunAsync(config, "hot");

        // Assert
        exitCode.Should().Be(0, cli.ToString());
        record.Result().Should().Be("succeeded", record.Error());
        HookBed.Entries(replica).Should().Equal("a.txt", "keep.log", "sub", "sub/y.txt");
        var passed = File.ReadAllLines(args);
        passed[0].Should().Be("2", "a plugin gets exactly two arguments");
        var runDir = Path.Combine(config.StateDir, "runs", record.GetProperty("id").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture));
        passed[1].Should().Be(Path.Combine(runDir, "include"));
        passed[2].Should().Be(Path.Combine(runDir, "exclude"));
        Directory.Exists(runDir).Should().BeFalse("the per-run filter files are removed after the run");
        var log = record.Log();
        log.Should().Contain("skipping README (not executable)").And.Contain("nested (a directory");
        log.Should().Contain("plugin exclude rules (1): *.log").And.Contain("plugin include rules (1): keep.log");
    }

    [Fact]
    public async Task Filter_files_start_empty_even_when_a_crashed_run_left_some_behind()
    {
        // Arrange: leftovers for run 1 (the first run of a fresh state dir) that would exclude everything.
        using var dir = new TempDir("plugins");
        var source = dir.CreateSubdirectory("src");
        new TreeBuilder(source).File("a.txt", 100);
        var replica = dir.Combine("replica");
        var plugins = dir.CreateSubdirectory("plugins.d");
        var seen = dir.Combine("seen");
        HookBed.Script(Path.Combine(plugins, "10-look"), $"cat \"$1\" \"$2\" > {seen}");
        var config = Job(dir, source, replica, plugins);
        var stale = Directory.CreateDirectory(Path.Combine(config.StateDir, "runs", "1")).FullName;
        File.WriteAllText(Path.Combine(stale, "exclude"), "*\n");
        File.WriteAllText(Path.Combine(stale, "include"), "nothing\n");

        // Act
        var (exitCode, record, cli) = await HookBed.RunAsync(config, "hot");

        // Assert
        exitCode.Should().Be(0, cli.ToString());
        record.GetProperty("id").GetInt64().Should().Be(1);
        File.ReadAllText(seen).Should().BeEmpty("the plugin gets empty files");
        HookBed.Entries(replica).Should().Equal("a.txt");
        Directory.Exists(stale).Should().BeFalse();
    }

    [Fact]
    public async Task A_failing_plugin_aborts_the_run_with_its_stderr()
    {
        // Arrange
        using var dir = new TempDir("plugins");
        var source = dir.CreateSubdirectory("src");
        new TreeBuilder(source).File("a.txt", 100);
        var replica = dir.CreateSubdirectory("replica");
        var plugins = dir.CreateSubdirectory("plugins.d");
        HookBed.Script(Path.Combine(plugins, "10-db-dump"), "echo 'dumping'; echo 'mysqldump: access denied' >&2; exit 2");
        var later = dir.Combine("later-ran");
        HookBed.Script(Path.Combine(plugins, "20-later"), $"touch {later}");
        var config = Job(dir, source, replica, plugins);

        // Act
        var (exitCode, record, cli) = await HookBed.RunAsync(config, "hot");

        // Assert
        exitCode.Should().Be(1, cli.ToString());
        record.Result().Should().Be("failed");
        record.Error().Should().Contain("plugin 10-db-dump exited with 2: mysqldump: access denied").And.Contain("nothing was transferred");
        HookBed.Entries(replica).Should().BeEmpty();
        File.Exists(later).Should().BeFalse("plugins after a failing one do not run");
        record.Log().Should().Contain("[plugin 10-db-dump] dumping");
    }

    [Fact]
    public async Task A_missing_plugins_dir_fails_the_run()
    {
        // Arrange
        using var dir = new TempDir("plugins");
        var source = dir.CreateSubdirectory("src");
        new TreeBuilder(source).File("a.txt", 100);
        var replica = dir.CreateSubdirectory("replica");
        var config = Job(dir, source, replica, dir.Combine("no-such.d"));

        // Act
        var (exitCode, record, _) = await HookBed.RunAsync(config, "hot");

        // Assert
        exitCode.Should().Be(1);
        record.Error().Should().Contain("no-such.d does not exist");
        HookBed.Entries(replica).Should().BeEmpty();
    }
}
