using Syncwarden.IntegrationTests.Infrastructure;

namespace Syncwarden.IntegrationTests.Engine.Ssh;

/// <summary>
/// ssh reads the values of its -o options as it reads its config file: split on spaces, quotes and backslashes
/// consumed, %-tokens expanded. A key or known-hosts file in a folder with such characters must still be the file used.
/// </summary>
[Collection(SshCollection.Name)]
public sealed class KeyPathTests(SshServerFixture fixture)
{
    private readonly SshServer _server = fixture.Server;

    [Theory]
    [InlineData("push")]
    [InlineData("pull")]
    public async Task Key_and_known_hosts_in_a_folder_named_with_spaces_quotes_backslashes_and_percent_signs_log_in(string direction)
    {
        // Arrange: copies of the fixture's client key and known_hosts in that folder, and only there.
        using var dir = new TempDir("key-paths");
        var keys = dir.CreateSubdirectory("ssh keys %h %% \"dq\" it's #1 back\\slash");
        var identity = Path.Combine(keys, "client key");
        var knownHosts = Path.Combine(keys, "known hosts %u");
        File.Copy(_server.ClientKeyPath, identity);
        File.SetUnixFileMode(identity, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.Copy(_server.KnownHostsPath, knownHosts);
        var source = new TreeBuilder(dir.CreateSubdirectory("src")).File("a.txt", 1000).File("sub/b.txt", 10).Root;
        var destination = dir.Combine("dst");
        var config = new TestConfig(dir).Host(TestConfig.PairHost, _server, identity, knownHosts)
            .Pair("copy", direction, source, destination);

        // Act
        var run = await config.RunCliAsync("run", "copy", "--no-progress");

        // Assert
        run.ExitCode.Should().Be(0, run.ToString());
        (await TreeComparer.DescribeDifferencesAsync(source, Path.Combine(destination, "src"))).Should().BeEmpty();
    }
}
