namespace Syncwarden.IntegrationTests.Infrastructure;

public sealed class TestBedTests
{
    [Fact]
    public void TempDir_is_unique_under_tmp_and_removed_with_read_only_content()
    {
        // Arrange
        string path;
        using (var temp = new TempDir())
        using (var other = new TempDir())
        {
            path = temp.Path;
            temp.Path.Should().StartWith("/tmp/syncwarden-it-").And.NotBe(other.Path);
            var sub = temp.CreateSubdirectory("ro");
            File.WriteAllText(Path.Combine(sub, "file"), "x");
            File.SetUnixFileMode(Path.Combine(sub, "file"), UnixFileMode.UserRead);
            File.SetUnixFileMode(sub, UnixFileMode.UserRead | UnixFileMode.UserExecute);

            // Act (dispose)
        }

        // Assert
        Directory.Exists(path).Should().BeFalse();
    }

    [Fact]
    public async Task TestProcess_kills_a_child_that_outlives_its_timeout()
    {
        // Arrange
        var started = DateTime.UtcNow;

        // Act
        var act = () => TestProcess.RunAsync("sleep", ["30"], TimeSpan.FromMilliseconds(300));

        // Assert
        var thrown = await act.Should().ThrowAsync<TimeoutException>();
        thrown.Which.Message.Should().Contain("pid");
        (DateTime.UtcNow - started).Should().BeLessThan(TimeSpan.FromSeconds(10));
        ProcFs.FindByCommandLine("sleep").Where(pid => ProcFs.CommandLine(pid) is ["sleep", "30"]).Should().BeEmpty();
    }

    [Fact]
    public async Task Started_process_can_be_signalled_and_awaited()
    {
        // Arrange
        await using var running = TestProcess.Start("sleep", ["31"]);

        // Act
        (await running.TerminateAsync()).Should().BeTrue();
        var result = await running;

        // Assert
        result.ExitCode.Should().Be(143, "sleep dies of SIGTERM (128 + 15)");
        ProcFs.IsAlive(running.ProcessId).Should().BeFalse();
    }

    [Fact]
    public void Cli_dll_is_next_to_the_tests()
    {
        File.Exists(SyncwardenCli.DllPath).Should().BeTrue();
    }
}
