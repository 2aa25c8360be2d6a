namespace Syncwarden.Configuration;

/// <summary>
/// The top-level <c>standby:</c> section: a warm standby pair (seed 002). The same file serves both machines; each
/// knows which one it is from <see cref="ThisHost"/>. The pair runs as the job named <see cref="JobName"/>, whose
/// syncs push this host's data folders to the peer's: from <c>source</c> to <c>destination</c> on the configured
/// primary, the other way round on the configured standby. Whether a run pushes depends on the current role, read
/// from the role store at run time (Standby/StandbyStore).
/// </summary>
public sealed record StandbySettings
{
    /// <summary>The name of the job the pair runs as (status, history, metrics, web).</summary>
    public const string JobName = "standby";

    /// <summary>How old the standby's data may be before the lag check fails and promote refuses without --accept-lag.</summary>
    public static readonly TimeSpan DefaultMaxLag = TimeSpan.FromHours(1);

    /// <summary>How long switchover waits for the peer to confirm the handover.</summary>
    public static readonly TimeSpan DefaultHandoverTimeout = TimeSpan.FromMinutes(2);

    /// <summary>rsync's --timeout for the pair's pushes: a push stalled this long (a cut link) ends.</summary>
    public static readonly TimeSpan DefaultIoTimeout = TimeSpan.FromMinutes(2);

    /// <summary>The entry of hosts: that is the configured primary.</summary>
    public required string Primary { get; init; }

    /// <summary>The entry of hosts: that is the configured standby.</summary>
    public required string Standby { get; init; }

    /// <summary>Which of the two this machine is (this-host:, $SYNCWARDEN_THIS_HOST, or the hostname).</summary>
    public required string ThisHost { get; init; }

    /// <summary>How this machine reaches the other one.</summary>
    public required HostConfig Peer { get; init; }

    /// <summary>This machine's data folders, in the order of the syncs (the source paths on the configured primary).</summary>
    public required IReadOnlyList<string> LocalPaths { get; init; }

    /// <summary>The peer's data folders, in the same order.</summary>
    public required IReadOnlyList<string> PeerPaths { get; init; }

    public TimeSpan MaxLag { get; init; } = DefaultMaxLag;

    public TimeSpan HandoverTimeout { get; init; } = DefaultHandoverTimeout;

    /// <summary>Run in order by promote (and by the daemon when it takes over in a switchover).</summary>
    public IReadOnlyList<HookCommand> PromoteHooks { get; init; } = [];

    /// <summary>Run in order by switchover on the primary before its final sync (stop the services that write).</summary>
    public IReadOnlyList<HookCommand> StopHooks { get; init; } = [];

    /// <summary>True on the machine configured as primary.</summary>
    public bool IsConfiguredPrimary => ThisHost == Primary;

    /// <summary>The other machine's name in hosts:.</summary>
    public string PeerName => IsConfiguredPrimary ? Standby : Primary;
}
