using Microsoft.Extensions.Time.Testing;
using Syncwarden.Configuration;
using Syncwarden.Locks;

namespace Syncwarden.Tests.Locks;

public sealed class LockWaitTests
{
    private static readonly BlocksOnSettings s_settings = new() { Poll = TimeSpan.FromSeconds(30), Timeout = TimeSpan.FromSeconds(100) };
    private readonly FakeTimeProvider _time = new();

    [Fact]
    public async Task Tries_every_poll_reports_each_change_of_blocker_once_and_returns_what_was_taken()
    {
        // Arrange: blocked by a, a, b, then free.
        var script = new Queue<string?>(["a", "a", "b", null]);
        var attempts = new List<TimeSpan>();
        var reported = new List<string>();
        var started = _time.GetUtcNow();

        // Act
        var wait = LockWait.UntilTakenAsync<string, string>(
            _ =>
            {
                attempts.Add(_time.GetUtcNow() - started);
                return Task.FromResult(script.Dequeue() is { } blocker ? ((string?)null, (string?)blocker) : ("taken", null));
            },
            s_settings, _time, reported.Add, (_, _) => new TimeoutException(), CancellationToken.None);
        var taken = await AdvanceUntilDoneAsync(wait);

        // Assert
        taken.Should().Be("taken");
        reported.Should().Equal("a", "b");
        attempts.Select(a => (int)a.TotalSeconds).Should().Equal(0, 30, 60, 90);
    }

    [Fact]
    public async Task Gives_up_at_the_timeout_without_waiting_past_it()
    {
        // Arrange
        var attempts = new List<TimeSpan>();
        var started = _time.GetUtcNow();

        // Act
        var wait = LockWait.UntilTakenAsync<string, string>(
            _ =>
            {
                attempts.Add(_time.GetUtcNow() - started);
                return Task.FromResult(((string?)null, (string?)"held by job x"));
            },
            s_settings, _time, _ => { }, (blocker, waited) => new LockWaitTimeoutException($"{blocker} after {DurationParser.Format(waited)}"), CancellationToken.None);
        var act = () => AdvanceUntilDoneAsync(wait);

        // Assert
        (await act.Should().ThrowAsync<LockWaitTimeoutException>()).WithMessage("held by job x after 1m40s");
        attempts.Select(a => (int)a.TotalSeconds).Should().Equal(0, 30, 60, 90, 100);
    }

    [Fact]
    public async Task A_null_timeout_waits_for_ever()
    {
        // Arrange
        var attempts = 0;

        // Act
        var wait = LockWait.UntilTakenAsync<string, string>(
            _ => Task.FromResult(++attempts < 1000 ? ((string?)null, (string?)"busy") : ("taken", null)),
            s_settings with { Timeout = null }, _time, _ => { }, (_, _) => new TimeoutException(), CancellationToken.None);

        // Assert
        (await AdvanceUntilDoneAsync(wait)).Should().Be("taken");
        attempts.Should().Be(1000);
    }

    [Fact]
    public async Task Cancellation_ends_the_wait()
    {
        // Arrange
        using var cts = new CancellationTokenSource();
        var wait = LockWait.UntilTakenAsync<string, string>(
            _ => Task.FromResult(((string?)null, (string?)"busy")), s_settings with { Timeout = null }, _time, _ => { }, (_, _) => new TimeoutException(), cts.Token);

        // Act
        await cts.CancelAsync();
        var act = () => wait;

        // Assert
        await act.Should().ThrowAsync<OperationCanceledException>();
    }

    /// <summary>
    /// Moves the fake clock a second at a time until <paramref name="wait"/> completes. The attempts above complete
    /// synchronously, so each poll's timer is registered before the clock moves on and no poll is skipped.
    /// </summary>
    private async Task<T> AdvanceUntilDoneAsync<T>(Task<T> wait)
    {
        for (var steps = 0; !wait.IsCompleted && steps < 100_000; steps++)
        {
            _time.Advance(TimeSpan.FromSeconds(1));
            await Task.Yield();
        }
        return await wait;
    }
}
