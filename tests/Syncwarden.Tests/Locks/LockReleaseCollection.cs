namespace Syncwarden.Tests.Locks;

/// <summary>
/// Tests that check a flock is gone the moment its holder lets go. They run alone, after the parallel tests: a test
/// that starts a child process forks this whole test process, and until the child execs it holds a copy of every
/// descriptor open at that moment (O_CLOEXEC closes them only at exec), so a lock released in that window would
/// still look held for a few microseconds. In the product that window is harmless; in an assertion made right after
/// the release it is a false failure.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LockReleaseCollection
{
    public const string Name = "flock release, no concurrent forks";
}
