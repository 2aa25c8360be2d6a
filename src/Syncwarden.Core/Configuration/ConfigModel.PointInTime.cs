using Syncwarden.Scheduling;

namespace Syncwarden.Configuration;

/// <summary>How a point-in-time copy of a job's sources is taken before the syncs.</summary>
public enum SourceSnapshotMethod { Btrfs }

/// <summary>A job's <c>source-snapshot:</c>: each sync reads a read-only snapshot of its source taken just before the syncs.</summary>
public sealed record SourceSnapshotSettings
{
    public SourceSnapshotMethod Method { get; init; } = SourceSnapshotMethod.Btrfs;

    /// <summary>Folder on the sources' btrfs filesystem that holds the snapshots; null: <c>.syncwarden-snapshots</c> beside each source.</summary>
    public string? Directory { get; init; }
}

/// <summary>A job's <c>verify:</c>: how much of the replica <c>syncwarden verify</c> compares, and how often the daemon does it.</summary>
public sealed record VerifySettings
{
    /// <summary>The default share of files compared, in percent (0 &lt; p &lt;= 100).</summary>
    public double SamplePercent { get; init; } = 100;

    /// <summary>When the daemon verifies; null: only on demand (<c>syncwarden verify</c>).</summary>
    public ISchedule? Schedule { get; init; }
}

public sealed partial record JobConfig
{
    /// <summary>Point-in-time copy of the sources for the syncs; null: the syncs read the live sources.</summary>
    public SourceSnapshotSettings? SourceSnapshot { get; init; }

    /// <summary>Checksum verification of the replica; null: only on demand, of every file.</summary>
    public VerifySettings? Verify { get; init; }
}
