using Syncwarden.Configuration;

namespace Syncwarden.Locks;

/// <summary>
/// The one wait loop for locks, behind a job's locks and blocks-on (<see cref="JobLocks"/>) and <c>syncwarden lock
/// acquire</c> (<see cref="ManualLocks"/>): try to take everything; while something blocks, say so once per change of
/// blocker and try again every poll, never waiting past the timeout. Nothing is held between attempts.
/// </summary>
internal static class LockWait
{
    /// <param name="tryTake">One attempt: what it took, or (having taken nothing) what blocks it.</param>
    /// <param name="settings">How often to try again, and for how long (a null timeout waits for ever).</param>
    /// <param name="waiting">Told about a blocker that differs (by value) from the last one it was told about.</param>
    /// <param name="timedOut">Makes the exception thrown once the timeout has passed, from the blocker and the time waited.</param>
    public static async Task<TTaken> UntilTakenAsync<TTaken, TBlocker>(
        Func<CancellationToken, Task<(TTaken? Taken, TBlocker? Blocker)>> tryTake,
        BlocksOnSettings settings,
        TimeProvider time,
        Action<TBlocker> waiting,
        Func<TBlocker, TimeSpan, Exception> timedOut,
        CancellationToken cancellationToken = default)
        where TTaken : class
        where TBlocker : class
    {
        var started = time.GetUtcNow();
        TBlocker? reported = null;
        while (true)
        {
            var (taken, blocker) = await tryTake(cancellationToken).ConfigureAwait(false);
            if (taken is not null)
            {
                return taken;
            }
            if (blocker is null)
            {
                throw new InvalidOperationException("a lock attempt took nothing and named nothing that blocks it");
            }
            var waited = time.GetUtcNow() - started;
            if (settings.Timeout is { } limit && waited >= limit)
            {
                throw timedOut(blocker, waited);
            }
            if (!EqualityComparer<TBlocker>.Default.Equals(blocker, reported))
            {
                waiting(blocker);
                reported = blocker;
            }
            var delay = settings.Timeout is { } l && l - waited < settings.Poll ? l - waited : settings.Poll;
            await Task.Delay(delay, time, cancellationToken).ConfigureAwait(false);
        }
    }
}
