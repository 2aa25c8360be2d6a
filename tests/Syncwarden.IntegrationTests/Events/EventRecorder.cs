using Syncwarden.Events;

namespace Syncwarden.IntegrationTests.Events;

/// <summary>A watcher that keeps every event and lets a test wait for the one it expects.</summary>
public sealed class EventRecorder : IRunEventSubscriber
{
    private readonly List<RunEvent> _events = [];
    private readonly Lock _lock = new();
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public string Name => "test recorder";

    public IReadOnlyList<RunEvent> Events
    {
        get
        {
            lock (_lock)
            {
                return [.. _events];
            }
        }
    }

    public ValueTask HandleAsync(RunEvent runEvent, CancellationToken cancellationToken)
    {
        TaskCompletionSource changed;
        lock (_lock)
        {
            _events.Add(runEvent);
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        changed.TrySetResult();
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// The first event of type <typeparamref name="T"/> matching <paramref name="match"/> that came after
    /// <paramref name="after"/> (any, when null); fails the test (with every event seen) if none comes.
    /// </summary>
    public async Task<T> WaitForAsync<T>(Func<T, bool>? match = null, RunEvent? after = null) where T : RunEvent
    {
        // A safety net for a broken build, not a measured time.
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            Task changed;
            lock (_lock)
            {
                var skip = after is null ? 0 : _events.IndexOf(after) + 1;
                if (_events.Skip(skip).OfType<T>().FirstOrDefault(e => match is null || match(e)) is { } found)
                {
                    return found;
                }
                changed = _changed.Task;
            }
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || await Task.WhenAny(changed, Task.Delay(left)) != changed)
            {
                throw new TimeoutException($"no {typeof(T).Name} event; saw: " + string.Join(", ", Events.Select(e => e.GetType().Name + "(" + e.Job + ")")));
            }
        }
    }

    public int Count => Events.Count;
}
