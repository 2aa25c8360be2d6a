namespace Syncwarden.Configuration;

/// <summary>How a job keeps point-in-time copies of its destination (the job's <c>snapshots:</c> key).</summary>
public enum SnapshotMethod
{
    /// <summary>No snapshots: the destination is a plain replica, overwritten in place.</summary>
    None,
    /// <summary>Each run writes a new dated tree hard-linked to the previous one (rsync --link-dest); any filesystem, local or remote.</summary>
    LinkDest,
    /// <summary>The destination is a btrfs subvolume; each successful run takes a read-only snapshot of it.</summary>
    Btrfs,
}

/// <summary>
/// Grandfather-father-son retention: each rule keeps the newest snapshot of each of its N most recent periods that
/// have a snapshot (last: the N newest). A snapshot kept by any rule is kept; the newest is always kept. Zero
/// everywhere keeps everything.
/// </summary>
public sealed record RetentionPolicy
{
    public int Last { get; init; }
    public int Hourly { get; init; }
    public int Daily { get; init; }
    public int Weekly { get; init; }
    public int Monthly { get; init; }
    public int Yearly { get; init; }

    /// <summary>True when no rule is set: nothing is ever pruned.</summary>
    public bool KeepsEverything => Last == 0 && Hourly == 0 && Daily == 0 && Weekly == 0 && Monthly == 0 && Yearly == 0;

    public override string ToString() =>
        KeepsEverything ? "keep everything"
            : string.Join(", ", new[] { ("last", Last), ("hourly", Hourly), ("daily", Daily), ("weekly", Weekly), ("monthly", Monthly), ("yearly", Yearly) }
                .Where(r => r.Item2 > 0).Select(r => $"{r.Item1} {r.Item2}"));
}

public sealed record SnapshotSettings
{
    public SnapshotMethod Method { get; init; } = SnapshotMethod.None;
    public RetentionPolicy Keep { get; init; } = new();

    public bool Enabled => Method != SnapshotMethod.None;
}
