namespace Syncwarden.Power;

/// <summary>Why the host stays awake after a run.</summary>
public enum StayAwakeReason
{
    /// <summary><c>power.sleep-after-run</c> is false, or <c>power</c> is not configured.</summary>
    SleepDisabled,
    /// <summary>A job is still running.</summary>
    JobRunning,
    /// <summary>The <c>power.stay-awake-file</c> exists.</summary>
    StayAwakeFile,
    /// <summary>No job has a next scheduled run, so there is no time to wake up at.</summary>
    NoNextRun,
    /// <summary>The next run (minus the wake margin) is too close to be worth sleeping.</summary>
    NextRunTooSoon,
    /// <summary>Someone is logged in (console or SSH with a terminal).</summary>
    UserSession,
}

/// <summary>What <see cref="PowerManager.DecideAsync"/> concluded: stay awake (with a reason) or sleep until a time.</summary>
public abstract record SleepDecision
{
    private protected SleepDecision()
    {
    }

    /// <summary>One line for the log: why the host stays awake, or how it sleeps and when it wakes.</summary>
    public abstract string Describe();

    public static StayAwake Awake(StayAwakeReason reason, string message) => new(reason, message);
}

public sealed record StayAwake(StayAwakeReason Reason, string Message) : SleepDecision
{
    public override string Describe() => $"staying awake: {Message}";
}

/// <summary>Sleep now; rtcwake (the <see cref="Command"/>) arms the RTC alarm for <see cref="WakeAt"/> and suspends.</summary>
public sealed record Sleep(DateTimeOffset WakeAt, DateTimeOffset NextRun, Configuration.SleepMode Mode, Processes.ProcessSpec Command) : SleepDecision
{
    public override string Describe() =>
        $"sleeping ({Mode.ToString().ToLowerInvariant()}) until {WakeAt:yyyy-MM-dd HH:mm:ss zzz} for the run at {NextRun:yyyy-MM-dd HH:mm:ss zzz}: {Command.Display}";
}
