using System.Text.Json.Serialization;
using Syncwarden.Scheduling;

namespace Syncwarden.Configuration;

/// <summary>A lock on this host (Host null) or on a configured host, as "host:path" in the file.</summary>
public sealed record LockRef(string? Host, string Path)
{
    public override string ToString() => Host is null ? Path : $"{Host}:{Path}";
}

public sealed record BlocksOnSettings
{
    public TimeSpan Poll { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>How long to wait for blocking locks before the run fails; null waits forever.</summary>
    public TimeSpan? Timeout { get; init; } = TimeSpan.FromHours(8);
}

/// <summary>When a hook runs; its kebab-case name is the key under <c>hooks:</c> and the value of SYNCWARDEN_HOOK.</summary>
[JsonConverter(typeof(KebabCaseEnumConverter<HookKind>))]
public enum HookKind
{
    Before,
    After,
    OnError,
    Finally,
    /// <summary>A program in the job's plugins-dir (not a key under <c>hooks:</c>).</summary>
    Plugin,
}

/// <summary>One hook: an argv list run on this host or, with on: remote, on the job's host over ssh.</summary>
public sealed record HookCommand
{
    public required IReadOnlyList<string> Command { get; init; }
    public bool Remote { get; init; }
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(5);
}

public sealed record HooksConfig
{
    public IReadOnlyList<HookCommand> Before { get; init; } = [];
    public IReadOnlyList<HookCommand> After { get; init; } = [];
    public IReadOnlyList<HookCommand> OnError { get; init; } = [];
    public IReadOnlyList<HookCommand> Finally { get; init; } = [];
}

public enum SleepMode { Mem, Disk, Off }

public sealed record PowerSettings
{
    public bool SleepAfterRun { get; init; }
    public SleepMode Mode { get; init; } = SleepMode.Mem;
    public TimeSpan WakeMargin { get; init; } = TimeSpan.FromMinutes(5);
    public string RtcwakePath { get; init; } = "rtcwake";
    /// <summary>While this file exists the host stays awake.</summary>
    public string StayAwakeFile { get; init; } = "/etc/syncwarden/stay-awake";
}

public sealed record DaemonSettings
{
    public int MaxConcurrentJobs { get; init; } = 1;
    /// <summary>Time zone for schedules; null means the system's.</summary>
    public string? TimeZone { get; init; }
    /// <summary>After SIGTERM, how long rsync children get before SIGKILL.</summary>
    public TimeSpan ShutdownGrace { get; init; } = TimeSpan.FromSeconds(30);

    public TimeZoneInfo ResolveTimeZone() => TimeZone is { } id ? TimeZoneInfo.FindSystemTimeZoneById(id) : TimeZoneInfo.Local;
}
