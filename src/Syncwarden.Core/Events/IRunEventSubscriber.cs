namespace Syncwarden.Events;

/// <summary>
/// Something that watches runs. Each subscriber gets its own queue and its own reading task on the
/// <see cref="RunEventHub"/>: a slow one only delays itself, a throwing one is logged and carries on.
/// </summary>
public interface IRunEventSubscriber
{
    /// <summary>For logs: which watcher failed.</summary>
    string Name { get; }

    ValueTask HandleAsync(RunEvent runEvent, CancellationToken cancellationToken);
}
