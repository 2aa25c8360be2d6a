using Microsoft.Extensions.Logging;

namespace Syncwarden.Events;

/// <summary>
/// The one in-process stream of <see cref="RunEvent"/>s. <see cref="Publish"/> is called on the thread
/// that reads rsync's output, so it only appends to each subscriber's queue (a lock and a list node):
/// it never waits for a subscriber and never throws. Each subscriber is served by its own task.
/// </summary>
public sealed class RunEventHub : IAsyncDisposable
{
    /// <summary>Progress events a subscriber may have queued before the oldest are dropped.</summary>
    public const int DefaultProgressCapacity = 64;

    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private Subscription[] _subscriptions = [];

    /// <summary>A hub delivering to every registered subscriber from the start.</summary>
    public RunEventHub(IEnumerable<IRunEventSubscriber> subscribers, ILogger<RunEventHub> logger)
    {
        _logger = logger;
        foreach (var subscriber in subscribers)
        {
            Subscribe(subscriber);
        }
    }

    /// <summary>Starts delivering every later event to <paramref name="subscriber"/> on its own task.</summary>
    public IAsyncDisposable Subscribe(IRunEventSubscriber subscriber, int progressCapacity = DefaultProgressCapacity)
    {
        var subscription = new Subscription(this, subscriber, new EventQueue(progressCapacity));
        lock (_lock)
        {
            _subscriptions = [.. _subscriptions, subscription];
        }
        subscription.Start();
        return subscription;
    }

    public void Publish(RunEvent runEvent)
    {
        // Arrays are replaced, never changed, so the loop needs no lock.
        foreach (var s in Volatile.Read(ref _subscriptions))
        {
            s.Queue.Add(runEvent);
        }
    }

    /// <summary>
    /// Lets every subscriber finish what is queued, waiting at most <paramref name="drainTimeout"/>
    /// (a stuck subscriber must not keep a command from ending), then stops them.
    /// </summary>
    public async Task StopAsync(TimeSpan drainTimeout)
    {
        Subscription[] all;
        lock (_lock)
        {
            all = _subscriptions;
            _subscriptions = [];
        }
        foreach (var s in all)
        {
            s.Queue.Complete();
        }
        var drained = Task.WhenAll(all.Select(s => s.Task));
        if (await Task.WhenAny(drained, Task.Delay(drainTimeout)).ConfigureAwait(false) != drained)
        {
            foreach (var s in all.Where(s => !s.Task.IsCompleted))
            {
                _logger.LogWarning("event watcher {Name} did not finish its queued events within {Seconds:0.#}s; left behind", s.Subscriber.Name, drainTimeout.TotalSeconds);
            }
        }
        foreach (var s in all)
        {
            await s.StopReadingAsync().ConfigureAwait(false);
        }
    }

    public ValueTask DisposeAsync() => new(StopAsync(TimeSpan.FromSeconds(2)));

    private void Remove(Subscription subscription)
    {
        lock (_lock)
        {
            _subscriptions = [.. _subscriptions.Where(s => s != subscription)];
        }
    }

    private sealed class Subscription(RunEventHub hub, IRunEventSubscriber subscriber, EventQueue queue) : IAsyncDisposable
    {
        private readonly CancellationTokenSource _stop = new();

        public IRunEventSubscriber Subscriber => subscriber;
        public EventQueue Queue => queue;
        public Task Task { get; private set; } = Task.CompletedTask;

        // Task.Run: a subscriber that blocks synchronously must not block the publisher or the hub.
        public void Start() => Task = Task.Run(PumpAsync);

        private async Task PumpAsync()
        {
            var token = _stop.Token;
            try
            {
                while (await queue.TakeAsync(token).ConfigureAwait(false) is { } next)
                {
                    try
                    {
                        await subscriber.HandleAsync(next, token).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException) when (token.IsCancellationRequested)
                    {
                        return;
                    }
                    catch (Exception ex) when (ex is not OutOfMemoryException)
                    {
                        // A watcher's bug never changes a run: log it and go on with the next event.
                        hub._logger.LogError("event watcher {Name} failed on {Event}: {Message}", subscriber.Name, next.GetType().Name, ex.Message);
                    }
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                // Stopped.
            }
        }

        public async Task StopReadingAsync()
        {
            await _stop.CancelAsync().ConfigureAwait(false);
            if (Task.IsCompleted)
            {
                await Task.ConfigureAwait(false);
            }
        }

        public async ValueTask DisposeAsync()
        {
            hub.Remove(this);
            queue.Complete();
            await StopReadingAsync().ConfigureAwait(false);
        }
    }
}
