using Syncwarden.Configuration;
using Syncwarden.Locks;

namespace Syncwarden.Tests.Locks;

[Collection(LockReleaseCollection.Name)]
public sealed class LockFilesTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sw-lockfiles-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void A_taken_lock_is_held_for_a_second_taker_and_removed_on_release()
    {
        // Arrange
        var path = Path.Combine(_dir, "sub", "a.lock");

        // Act
        var (first, found) = LockFiles.TryTake(path, "syncwarden-lock kind=flock host=h pid=1 started=2025-01-01T00:00:00Z\n");
        var (second, blocked) = LockFiles.TryTake(path, "other\n");

        // Assert
        first.Should().NotBeNull();
        found.State.Should().Be(LockFileState.Free);
        second.Should().BeNull("flock locks conflict between open file descriptions, even in one process");
        blocked.State.Should().Be(LockFileState.Held);
        blocked.Content.Should().StartWith("syncwarden-lock kind=flock host=h");
        LockFiles.Probe(path).State.Should().Be(LockFileState.Held);
        first!.Release();
        File.Exists(path).Should().BeFalse();
        LockFiles.Probe(path).State.Should().Be(LockFileState.Free);
    }

    [Fact]
    public void A_lock_file_left_by_an_aborted_holder_is_present_not_held_and_taken_over()
    {
        // Arrange
        var path = Path.Combine(_dir, "b.lock");
        var (first, _) = LockFiles.TryTake(path, "syncwarden-lock kind=flock host=h pid=1 started=2025-01-01T00:00:00Z\n");
        first!.Dispose(); // dropped without removal, as when the process dies

        // Act
        var probe = LockFiles.Probe(path);
        var (second, found) = LockFiles.TryTake(path, "syncwarden-lock kind=flock host=h pid=2 started=2025-01-01T00:00:00Z\n");

        // Assert
        probe.State.Should().Be(LockFileState.PresentNotHeld);
        probe.Blocks.Should().BeFalse();
        second.Should().NotBeNull();
        found.State.Should().Be(LockFileState.PresentNotHeld);
        LockFiles.Probe(path).Content.Should().Contain("pid=2", "(File.ReadAllText would fail: .NET takes its own flock to emulate FileShare)");
        second!.Release();
    }

    [Fact]
    public void A_foreign_plain_lock_file_blocks_both_probe_and_take()
    {
        // Arrange
        var path = Path.Combine(_dir, "veeam.lock");
        File.WriteAllText(path, "VeeamAgent job 42\n");

        // Act
        var probe = LockFiles.Probe(path);
        var (held, found) = LockFiles.TryTake(path, "x\n");

        // Assert
        probe.State.Should().Be(LockFileState.Present);
        probe.Blocks.Should().BeTrue();
        held.Should().BeNull();
        found.Content.Should().Be("VeeamAgent job 42\n");
        File.ReadAllText(path).Should().Be("VeeamAgent job 42\n", "a foreign file is never overwritten");
    }

    [Fact]
    public async Task Lock_acquire_gives_up_at_its_timeout_naming_the_holder_then_creates_the_file_once_it_is_free()
    {
        // Arrange: a running job holds the name with flock.
        var path = Path.Combine(_dir, "veeam.lock");
        var (held, _) = LockFiles.TryTake(path, "syncwarden-lock kind=flock host=h pid=1 job=nightly started=2025-01-01T00:00:00Z\n");
        var noWait = new BlocksOnSettings { Timeout = TimeSpan.Zero, Poll = TimeSpan.FromSeconds(1) };

        // Act
        var whileHeld = () => ManualLocks.AcquireAsync(_dir, path, noWait, TimeProvider.System, _ => { });
        var refusal = (await whileHeld.Should().ThrowAsync<LockWaitTimeoutException>()).Which;
        held!.Release();
        await ManualLocks.AcquireAsync(_dir, path, noWait, TimeProvider.System, _ => { });

        // Assert
        refusal.Message.Should().Match($"gave up after *: {path} is still in use by syncwarden-lock kind=flock host=h pid=1 job=nightly *; the lock file was not created");
        LockFiles.Probe(path).Should().Match<LockFileProbe>(p => p.State == LockFileState.Present && p.Content.StartsWith("syncwarden-lock kind=file ", StringComparison.Ordinal));
    }
}
