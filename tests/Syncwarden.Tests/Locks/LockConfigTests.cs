using Syncwarden.Configuration;
using Syncwarden.Tests.Configuration;

namespace Syncwarden.Tests.Locks;

public sealed class LockConfigTests
{
    [Fact]
    public void Locks_blocks_on_poll_and_timeout_bind()
    {
        // Arrange
        const string yaml = """
            hosts:
              nas1: { address: nas1.example.net }
            jobs:
              nightly:
                locks: [/var/lock/sw-nightly.lock, "nas1:/srv/locks/replica.lock"]
                blocks-on: ["/var/lock/veeam/*.lock", "nas1:/srv/locks/other.lock"]
                blocks-on-poll: 10s
                blocks-on-timeout: 2h
                syncs: [{ source: /a, destination: /b }]
            """;

        // Act
        var result = ConfigLoader.Parse(yaml, ConfigErrors.File);

        // Assert
        result.Errors.Should().BeEmpty();
        var job = result.Config!.Jobs[0];
        job.Locks.Should().Equal(new LockRef(null, "/var/lock/sw-nightly.lock"), new LockRef("nas1", "/srv/locks/replica.lock"));
        job.BlocksOn.Should().Equal(new LockRef(null, "/var/lock/veeam/*.lock"), new LockRef("nas1", "/srv/locks/other.lock"));
        job.BlocksOnSettings.Should().Be(new BlocksOnSettings { Poll = TimeSpan.FromSeconds(10), Timeout = TimeSpan.FromHours(2) });
    }

    [Fact]
    public void Blocks_on_timeout_none_waits_for_ever()
    {
        var result = ConfigLoader.Parse("jobs:\n  j:\n    blocks-on-timeout: none\n    syncs: [{ source: /a, destination: /b }]\n", ConfigErrors.File);

        result.Errors.Should().BeEmpty();
        result.Config!.Jobs[0].BlocksOnSettings.Timeout.Should().BeNull();
    }

    [Fact]
    public void Unknown_host_in_a_lock_is_an_error_at_the_item()
    {
        const string yaml = """
            hosts:
              nas1: { address: nas1.example.net }
            jobs:
              nightly:
                locks: ["nas2:/srv/locks/replica.lock"]
                syncs: [{ source: /a, destination: /b }]
            """;

        var error = ConfigErrors.Single(yaml);

        error.ShouldBeAt(5, 13, "jobs.nightly.locks[0]");
        error.Message.Should().Contain("host 'nas2'").And.Contain("not defined");
        error.Hint.Should().Contain("nas1");
    }

    [Theory]
    [InlineData("locks: [locks/replica.lock]", "jobs.j.locks[0]", "is relative")]
    [InlineData("blocks-on: [\"nas1:srv/x.lock\"]", "jobs.j.blocks-on[0]", "is relative")]
    [InlineData("locks: [\"/var/lock/*.lock\"]", "jobs.j.locks[0]", "pattern")]
    [InlineData("locks: [/var/lock/]", "jobs.j.locks[0]", "must name a file")]
    public void Invalid_lock_paths_are_errors_naming_the_key(string line, string key, string message)
    {
        var yaml = $"hosts:\n  nas1: {{ address: nas1.example.net }}\njobs:\n  j:\n    {line}\n    syncs: [{{ source: /a, destination: /b }}]\n";

        var error = ConfigErrors.Single(yaml);

        error.Key.Should().Be(key);
        error.Line.Should().Be(5);
        error.Message.Should().Contain(message);
    }

    [Theory]
    [InlineData("/var/lock/a.lock", null, "/var/lock/a.lock")]
    [InlineData("nas1:/srv/a.lock", "nas1", "/srv/a.lock")]
    [InlineData("/srv/with:colon.lock", null, "/srv/with:colon.lock")]
    [InlineData("nas-1.lan:/x:y", "nas-1.lan", "/x:y")]
    public void ParseLockRef_splits_host_and_path(string text, string? host, string path)
    {
        ConfigLoader.ParseLockRef(text, out var problem, out _).Should().Be(new LockRef(host, path), problem);
    }
}
