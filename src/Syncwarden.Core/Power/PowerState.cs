namespace Syncwarden.Power;

/// <summary>Whether the daemon has put the host to sleep: set by <see cref="PowerPolicy"/> around the sleep, read by status.</summary>
public sealed class PowerState
{
    private volatile bool _sleeping;

    public bool Sleeping
    {
        get => _sleeping;
        internal set => _sleeping = value;
    }
}
