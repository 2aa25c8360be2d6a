using Syncwarden.Rsync;

namespace Syncwarden.Tests.Rsync;

public sealed class RsyncErrorParserTests
{
    private const string Work = RsyncFixture.WorkDir;

    [Fact]
    public void Unreadable_files_give_failed_paths_and_code_23_summary()
    {
        // Arrange
        var stderr = RsyncFixture.ReadLines("error23.txt");

        // Act
        var failed = RsyncErrorParser.FailedPaths(stderr);
        var main = RsyncErrorParser.MainError(stderr);

        // Assert
        RsyncFixture.ExitCode("error23").Should().Be(23);
        failed.Should().Equal($"{Work}/err23/src/secret1.txt", $"{Work}/err23/src/secret2.txt");
        RsyncErrorParser.VanishedPaths(stderr).Should().BeEmpty();
        main.Should().StartWith("rsync error: some files/attrs were not transferred (see previous errors) (code 23) at main.c(")
            .And.EndWith("[sender=3.5.0]");
    }

    [Fact]
    public void Missing_source_argument_gives_its_path()
    {
        // Arrange
        var stderr = RsyncFixture.ReadLines("error23-missing.txt");

        // Act
        var failed = RsyncErrorParser.FailedPaths(stderr);

        // Assert
        RsyncFixture.ExitCode("error23-missing").Should().Be(23);
        failed.Should().Equal($"{Work}/missing/missing");
        RsyncErrorParser.MainError(stderr).Should().Contain("(code 23)");
    }

    [Fact]
    public void Vanished_files_are_listed_with_code_24_warning()
    {
        // Arrange
        var stderr = RsyncFixture.ReadLines("error24.txt");

        // Act
        var vanished = RsyncErrorParser.VanishedPaths(stderr);

        // Assert
        RsyncFixture.ExitCode("error24").Should().Be(24);
        vanished.Should().Equal(Enumerable.Range(0, 50).Select(i => $"{Work}/vanish/src/zzz-{i:000}.txt"));
        RsyncErrorParser.FailedPaths(stderr).Should().BeEmpty();
        RsyncErrorParser.MainError(stderr).Should()
            .StartWith("rsync warning: some files vanished before they could be transferred (code 24)");
    }

    [Fact]
    public void List_only_of_missing_dir_fails_with_change_dir()
    {
        // Arrange
        var stderr = RsyncFixture.ReadLines("listonly-missing.txt");

        // Act
        var failed = RsyncErrorParser.FailedPaths(stderr);

        // Assert
        RsyncFixture.ExitCode("listonly-missing").Should().Be(23);
        failed.Should().Equal($"{Work}/list/missing");
        stderr[0].Should().StartWith("rsync: [sender] change_dir \"");
    }

    [Fact]
    public void Link_stat_and_odd_names_are_extracted()
    {
        // Arrange
        string[] stderr =
        [
            // rsync does not escape quotes inside names
            "rsync: [sender] link_stat \"/src/a \"quoted\" b\" failed: No such file or directory (2)",
            "rsync: [sender] send_files failed to open \"/src/caf\\#303\\#251\": Permission denied (13)",
            "rsync: [receiver] rename \"/dst/.x.AbC123\" -> \"x\": Read-only file system (30)",
            "rsync: [sender] send_files failed to open \"/src/caf\\#303\\#251\": Permission denied (13)",
            "rsync: connection unexpectedly closed (0 bytes received so far) [sender]",
        ];

        // Act
        var failed = RsyncErrorParser.FailedPaths(stderr);

        // Assert
        failed.Should().Equal("/src/a \"quoted\" b", "/src/café", "x");
    }

    [Fact]
    public void Without_summary_the_ssh_cause_is_the_main_error()
    {
        // Arrange
        string[] stderr =
        [
            "  rsync: connection unexpectedly closed (0 bytes received so far) [sender]  ",
            "ssh: connect to host backup.example port 22: Connection refused",
        ];

        // Act & Assert
        RsyncErrorParser.MainError(stderr).Should().Be("ssh: connect to host backup.example port 22: Connection refused");
        RsyncErrorParser.MainError(stderr.Take(1)).Should().Be("rsync: connection unexpectedly closed (0 bytes received so far) [sender]");
        RsyncErrorParser.MainError([]).Should().BeNull();
    }

    [Fact]
    public void Error_summary_wins_over_a_later_warning()
    {
        string[] stderr =
        [
            "rsync warning: some files vanished before they could be transferred (code 24) at main.c(1394) [sender=3.5.0]",
            "rsync error: error in file IO (code 11) at receiver.c(381) [receiver=3.5.0]",
        ];

        RsyncErrorParser.MainError(stderr).Should().Be("rsync error: error in file IO (code 11) at receiver.c(381) [receiver=3.5.0]");
    }
}
