using Syncwarden.Daemon;

namespace Syncwarden.Tests.Daemon;

public sealed class InstanceLockTests : IDisposable
{
    private readonly string _stateDir = Directory.CreateTempSubdirectory("sw-instance-").FullName;

    public void Dispose() => Directory.Delete(_stateDir, recursive: true);

    [Fact]
    public void A_second_daemon_is_refused_with_the_first_ones_pid_and_config()
    {
        // Act
        var first = InstanceLock.TryAcquire(_stateDir, "/etc/syncwarden/a.yaml", out var firstSaw);
        var second = InstanceLock.TryAcquire(_stateDir, "/etc/syncwarden/b.yaml", out var secondSaw);

        // Assert
        first.Should().NotBeNull();
        firstSaw.Should().BeNull();
        second.Should().BeNull();
        secondSaw.Should().StartWith($"pid {Environment.ProcessId}, config /etc/syncwarden/a.yaml, started ");
        first!.Dispose();
        File.Exists(Path.Combine(_stateDir, "daemon.pid")).Should().BeFalse();
        using var next = InstanceLock.TryAcquire(_stateDir, "/etc/syncwarden/b.yaml", out _);
        next.Should().NotBeNull();
    }
}
