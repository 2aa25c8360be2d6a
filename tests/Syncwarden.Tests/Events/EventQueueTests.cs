using Syncwarden.Events;
using Syncwarden.Rsync;
using Syncwarden.Runs;

namespace Syncwarden.Tests.Events;

public sealed class EventQueueTests
{
    private static readonly DateTimeOffset s_at = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static RunProgressed Progress(int n) =>
        new(s_at, "job", 1, 0, 1, "a -> b", new RsyncProgress(n, n, 0, TimeSpan.Zero, null, null, null));

    private static RunStageChanged Stage(RunPhase phase) => new(s_at, "job", 1, phase, 0, 1, null, null);

    [Fact]
    public async Task Progress_beyond_capacity_drops_the_oldest_and_keeps_every_lifecycle_event_in_order()
    {
        // Arrange
        var queue = new EventQueue(droppableCapacity: 3);

        // Act
        queue.Add(Stage(RunPhase.Starting));
        for (var i = 1; i <= 5; i++)
        {
            queue.Add(Progress(i));
        }
        queue.Add(Stage(RunPhase.Finishing));
        queue.Add(Progress(6));
        queue.Complete();
        var taken = new List<RunEvent>();
        while (await queue.TakeAsync(CancellationToken.None) is { } e)
        {
            taken.Add(e);
        }

        // Assert
        taken.Select(Describe).Should().Equal("stage Starting", "progress 4", "progress 5", "stage Finishing", "progress 6");
        queue.Dropped.Should().Be(3);
    }

    [Fact]
    public async Task A_taken_progress_event_no_longer_counts_against_the_capacity()
    {
        var queue = new EventQueue(droppableCapacity: 2);
        queue.Add(Progress(1));
        (await queue.TakeAsync(CancellationToken.None)).Should().Be(Progress(1));

        queue.Add(Progress(2));
        queue.Add(Progress(3));
        queue.Complete();

        (await queue.TakeAsync(CancellationToken.None)).Should().Be(Progress(2));
        (await queue.TakeAsync(CancellationToken.None)).Should().Be(Progress(3));
        (await queue.TakeAsync(CancellationToken.None)).Should().BeNull();
        queue.Dropped.Should().Be(0);
    }

    [Fact]
    public async Task A_reader_waiting_on_an_empty_queue_wakes_for_the_next_event()
    {
        var queue = new EventQueue(droppableCapacity: 2);
        var waiting = queue.TakeAsync(CancellationToken.None).AsTask();
        waiting.IsCompleted.Should().BeFalse();

        queue.Add(Stage(RunPhase.Hooks));

        (await waiting).Should().Be(Stage(RunPhase.Hooks));
    }

    private static string Describe(RunEvent e) => e switch
    {
        RunProgressed p => $"progress {p.Transfer.BytesTransferred}",
        RunStageChanged s => $"stage {s.Stage}",
        _ => e.GetType().Name,
    };
}
