using Syncwarden.Runs;
using Syncwarden.Tests.Locks;

namespace Syncwarden.Tests.Runs;

[Collection(LockReleaseCollection.Name)]
public sealed class JobRunLockTests : IDisposable
{
    private readonly string _stateDir = Directory.CreateTempSubdirectory("sw-runlock-").FullName;

    public void Dispose() => Directory.Delete(_stateDir, recursive: true);

    private string Jobs(string name) => Path.Combine(_stateDir, "jobs", name);

    [Fact]
    public void A_job_is_running_while_its_run_lock_is_held_and_a_second_run_is_refused()
    {
        // Arrange
        var idle = JobRunLock.AnyRunning(_stateDir);

        // Act
        var run = JobRunLock.Acquire(_stateDir, "nightly");
        var second = () => JobRunLock.Acquire(_stateDir, "nightly");

        // Assert
        idle.Should().BeFalse("no jobs directory yet");
        JobRunLock.IsRunning(_stateDir, "nightly").Should().BeTrue();
        JobRunLock.IsRunning(_stateDir, "weekly").Should().BeFalse();
        JobRunLock.AnyRunning(_stateDir).Should().BeTrue();
        JobRunLock.Running(_stateDir).Should().Equal("nightly");
        second.Should().Throw<JobBusyException>().WithMessage($"job 'nightly' is already running (pid {Environment.ProcessId}, since *");
        run.Dispose();
        JobRunLock.IsRunning(_stateDir, "nightly").Should().BeFalse();
        JobRunLock.AnyRunning(_stateDir).Should().BeFalse();
        File.Exists(Jobs("nightly.running")).Should().BeFalse();
    }

    [Fact]
    public void A_running_file_left_behind_without_the_lock_is_not_a_running_job()
    {
        // Arrange: what a kill -9'd `syncwarden run` leaves: both files, nobody holding the lock.
        Directory.CreateDirectory(Jobs(""));
        File.WriteAllText(Jobs("nightly.running"), "pid 999999, since 2026-01-01 00:00:00");
        File.WriteAllText(Jobs("nightly.lock"), "");
        File.WriteAllText(Jobs("orphan.running"), "pid 999998, since 2026-01-01 00:00:00");

        // Act
        var running = JobRunLock.IsRunning(_stateDir, "nightly");
        var any = JobRunLock.AnyRunning(_stateDir);
        using var next = JobRunLock.Acquire(_stateDir, "nightly");

        // Assert
        running.Should().BeFalse();
        JobRunLock.IsRunning(_stateDir, "orphan").Should().BeFalse("a .running file with no lock file at all");
        any.Should().BeFalse();
        File.ReadAllText(Jobs("nightly.running")).Should().StartWith($"pid {Environment.ProcessId},", "the next run takes over and describes itself");
    }

    [Fact]
    public async Task A_job_run_by_another_process_is_running_until_that_process_is_killed()
    {
        // Arrange
        Directory.CreateDirectory(Jobs(""));
        File.WriteAllText(Jobs("nightly.running"), "pid 1234, since 2026-01-01 00:00:00");
        await using var other = await OtherProcessLock.HoldAsync(Jobs("nightly.lock"));

        // Act
        var before = JobRunLock.Running(_stateDir);
        await other.KillAsync();

        // Assert
        before.Should().Equal("nightly");
        File.Exists(Jobs("nightly.running")).Should().BeTrue("kill -9 leaves the description behind");
        JobRunLock.IsRunning(_stateDir, "nightly").Should().BeFalse();
        JobRunLock.AnyRunning(_stateDir).Should().BeFalse();
    }
}
