using Syncwarden.Locks;

namespace Syncwarden.Tests.Locks;

[Collection(LockReleaseCollection.Name)]
public sealed class FileLockTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("sw-filelock-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void One_holder_at_a_time_until_it_disposes()
    {
        // Arrange
        var path = Path.Combine(_dir, "a.lock");

        // Act
        using var first = FileLock.TryAcquire(path);
        var second = FileLock.TryAcquire(path);

        // Assert
        first.Should().NotBeNull();
        second.Should().BeNull("flock locks conflict between open file descriptions, even in one process");
        FileLock.IsHeld(path).Should().BeTrue();
        first!.Dispose();
        FileLock.IsHeld(path).Should().BeFalse();
        File.Exists(path).Should().BeTrue("the lock file stays; only the lock goes");
        using var third = FileLock.TryAcquire(path);
        third.Should().NotBeNull();
    }

    [Fact]
    public void IsHeld_is_false_for_a_missing_file_and_for_a_file_nobody_holds()
    {
        var present = Path.Combine(_dir, "present.lock");
        File.WriteAllText(present, "left behind\n");

        FileLock.IsHeld(Path.Combine(_dir, "missing.lock")).Should().BeFalse();
        FileLock.IsHeld(present).Should().BeFalse();
        File.Exists(Path.Combine(_dir, "missing.lock")).Should().BeFalse("probing creates nothing");
    }

    [Fact]
    public void Probing_leaves_the_lock_with_its_holder()
    {
        // Arrange
        var path = Path.Combine(_dir, "b.lock");
        using var held = FileLock.TryAcquire(path);

        // Act
        var probes = Enumerable.Range(0, 3).Select(_ => FileLock.IsHeld(path)).ToList();

        // Assert
        probes.Should().AllBeEquivalentTo(true);
        FileLock.TryAcquire(path).Should().BeNull("the probe's shared lock was dropped without taking anything from the holder");
    }

    [Fact]
    public void The_side_file_names_the_holder_to_a_second_taker_and_goes_with_the_lock()
    {
        // Arrange
        var path = Path.Combine(_dir, "c.lock");
        var side = Path.Combine(_dir, "c.holder");

        // Act
        var first = FileLock.TryAcquire(path, side, "pid 42, since noon", out var firstSaw);
        var second = FileLock.TryAcquire(path, side, "pid 43", out var secondSaw);

        // Assert
        first.Should().NotBeNull();
        firstSaw.Should().BeNull();
        second.Should().BeNull();
        secondSaw.Should().Be("pid 42, since noon");
        first!.Dispose();
        File.Exists(side).Should().BeFalse();
        using var third = FileLock.TryAcquire(path, side, "pid 44", out _);
        File.ReadAllText(side).Should().Be("pid 44");
    }

    [Fact]
    public async Task A_lock_held_by_another_process_is_seen_and_is_gone_once_that_process_is_killed()
    {
        // Arrange
        var path = Path.Combine(_dir, "d.lock");
        await using var other = await OtherProcessLock.HoldAsync(path);

        // Act
        var heldBefore = FileLock.IsHeld(path);
        var takenBefore = FileLock.TryAcquire(path);
        await other.KillAsync();

        // Assert
        heldBefore.Should().BeTrue();
        takenBefore.Should().BeNull();
        FileLock.IsHeld(path).Should().BeFalse("the kernel drops a flock with the last descriptor, however the process ends");
        using var taken = FileLock.TryAcquire(path);
        taken.Should().NotBeNull();
    }

    [Fact]
    public async Task AcquireAsync_waits_for_the_holder()
    {
        // Arrange
        var path = Path.Combine(_dir, "e.lock");
        var holder = FileLock.TryAcquire(path)!;

        // Act
        var waiting = FileLock.AcquireAsync(path);
        await Task.Delay(200);
        var doneWhileHeld = waiting.IsCompleted;
        holder.Dispose();
        using var taken = await waiting.WaitAsync(TimeSpan.FromSeconds(10));

        // Assert
        doneWhileHeld.Should().BeFalse();
        FileLock.IsHeld(path).Should().BeTrue();
    }
}
