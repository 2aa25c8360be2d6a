namespace Syncwarden.Events;

/// <summary>
/// One subscriber's queue. Adding never blocks and never fails: lifecycle events are always kept (they
/// are a handful per run), while droppable events (progress) beyond <c>droppableCapacity</c> push out
/// the oldest droppable one. Order is kept for everything that remains.
/// </summary>
internal sealed class EventQueue(int droppableCapacity)
{
    private readonly LinkedList<RunEvent> _items = new();
    private readonly Queue<LinkedListNode<RunEvent>> _droppable = new();
    private readonly Lock _lock = new();
    private TaskCompletionSource _signal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _completed;

    public long Dropped { get; private set; }

    public void Add(RunEvent item)
    {
        TaskCompletionSource signal;
        lock (_lock)
        {
            if (_completed)
            {
                return;
            }
            var node = _items.AddLast(item);
            if (item.MayDrop)
            {
                _droppable.Enqueue(node);
                while (_droppable.Count > droppableCapacity)
                {
                    var oldest = _droppable.Dequeue();
                    // A node already taken by the reader has no list any more.
                    if (oldest.List is not null)
                    {
                        _items.Remove(oldest);
                        Dropped++;
                    }
                }
            }
            signal = _signal;
        }
        signal.TrySetResult();
    }

    /// <summary>No more events; the reader still gets what is queued.</summary>
    public void Complete()
    {
        TaskCompletionSource signal;
        lock (_lock)
        {
            _completed = true;
            signal = _signal;
        }
        signal.TrySetResult();
    }

    /// <summary>The next event, or null once completed and empty.</summary>
    public async ValueTask<RunEvent?> TakeAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task wait;
            lock (_lock)
            {
                if (_items.First is { } first)
                {
                    _items.RemoveFirst();
                    if (first.Value.MayDrop && _droppable.Count > 0 && ReferenceEquals(_droppable.Peek(), first))
                    {
                        _droppable.Dequeue();
                    }
                    return first.Value;
                }
                if (_completed)
                {
                    return null;
                }
                if (_signal.Task.IsCompleted)
                {
                    _signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }
                wait = _signal.Task;
            }
            await wait.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
