using Syncwarden.Runs;
using Syncwarden.Runs.Steps;

namespace Syncwarden.Tests.Runs;

public sealed class InterruptedFileTests
{
    private const UnixFileMode Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    [Fact]
    public void The_interrupted_file_is_the_last_one_rsync_started_in_that_syncs_section_of_the_log()
    {
        // Arrange: two syncs; the first ended (statistics), the second stopped while sending a file whose name rsync
        // escaped (LC_ALL=C).
        using var dir = new TestDirectory("sw-interrupted-");
        var log = dir.Write("run.log", """
            # 2026-12-02 03:21:30 syncwarden run 7 of job nightly
            # 2026-12-02 03:21:30 sync 1/2: /srv/a/ -> nas:/backup/a
            # 2026-12-02 03:21:30 $ rsync --archive ...
            <f+++++++++ vm1/disk.img
            <f.st...... vm2/disk.img
            Number of files: 3 (reg: 2, dir: 1)
            # 2026-12-02 03:21:31 sync 2/2: /srv/b -> nas:/backup/b
            # 2026-12-02 03:21:31 $ rsync --archive ...
            cd+++++++++ b/caf\#303\#251/
            <f+++++++++ b/caf\#303\#251/first.bin
            <f+++++++++ b/caf\#303\#251/big file.bin
            hf+++++++++ b/linked => b/x
            cL+++++++++ b/link -> target
            """, Mode);

        // Act
        var second = InterruptedFile.LastStarted(log, InterruptedFile.SyncHeading(1, 2, "/srv/b -> nas:/backup/b"));
        var first = InterruptedFile.LastStarted(log, InterruptedFile.SyncHeading(0, 2, "/srv/a/ -> nas:/backup/a"));

        // Assert
        second.Should().Be("b/café/big file.bin", "hard links, symbolic links and folders carry no data to resume");
        first.Should().BeNull("rsync printed its statistics after vm2/disk.img: that sync ended on its own");
    }

    [Fact]
    public void Nothing_is_found_without_a_log_without_the_sync_or_without_a_file_started()
    {
        using var dir = new TestDirectory("sw-interrupted-");
        var log = dir.Write("run.log", """
            # 2026-12-02 03:21:30 sync 1/1: /srv/a/ -> /backup/a
            # 2026-12-02 03:21:30 $ rsync --archive ...
            cd+++++++++ sub/
            .f...p..... unchanged.txt
            """, Mode);

        InterruptedFile.LastStarted(null, "sync 1/1: /srv/a/ -> /backup/a").Should().BeNull();
        InterruptedFile.LastStarted(Path.Combine(dir.Path, "gone.log"), "sync 1/1: /srv/a/ -> /backup/a").Should().BeNull();
        InterruptedFile.LastStarted(log, "sync 1/1: /srv/other/ -> /backup/a").Should().BeNull("the configuration changed since: nothing to resume");
        InterruptedFile.LastStarted(log, "sync 1/1: /srv/a/ -> /backup/a").Should().BeNull();
    }
}
