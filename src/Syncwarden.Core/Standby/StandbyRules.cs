using Syncwarden.Configuration;

namespace Syncwarden.Standby;

/// <summary>
/// The rules of the pair, as pure functions of the role store and the markers (unit-tested): when a push is fenced,
/// which epoch a promote takes, how old the standby's data is.
/// </summary>
public static class StandbyRules
{
    /// <summary>
    /// The marker that forbids this primary's push, or null when it may push: a destination holding a higher epoch
    /// (someone was promoted since), or the same epoch with another primary (two promotes raced; neither may overwrite
    /// the other's data).
    /// </summary>
    public static StandbyMarker? Fence(StandbyState state, IEnumerable<StandbyMarker?> peerMarkers) =>
        peerMarkers.OfType<StandbyMarker>()
            .Where(m => m.Epoch > state.Epoch || (m.Epoch == state.Epoch && m.Primary != state.ThisHost))
            .OrderByDescending(m => m.Epoch)
            .FirstOrDefault();

    /// <summary>The state of a primary whose push was refused by <paramref name="higher"/>: the standby, in that epoch.</summary>
    public static StandbyState Demote(StandbyState state, StandbyMarker higher, DateTimeOffset now, string why) =>
        state with
        {
            Role = StandbyRole.Standby,
            Epoch = Math.Max(state.Epoch, higher.Epoch),
            RoleSince = now,
            RefusedPushes = state.RefusedPushes + 1,
            LastRefusal = why,
        };

    /// <summary>The epoch a promote takes: one above every epoch this machine knows of (its own and its markers').</summary>
    public static long NextEpoch(StandbyState state, IEnumerable<StandbyMarker?> known) =>
        Math.Max(state.Epoch, known.OfType<StandbyMarker>().Select(m => m.Epoch).DefaultIfEmpty(0).Max()) + 1;

    /// <summary>
    /// When the standby's data was last brought up to date: the oldest of its folders' markers; null when a folder
    /// never received a sync.
    /// </summary>
    public static DateTimeOffset? LastReceived(IReadOnlyList<StandbyMarker?> localMarkers) =>
        localMarkers.Count == 0 || localMarkers.Any(m => m is null) ? null : localMarkers.Min(m => m!.SyncedAt);

    /// <summary>The last good sync as this machine knows it: received (standby) or sent (primary).</summary>
    public static DateTimeOffset? LastGoodSync(StandbyState state, IReadOnlyList<StandbyMarker?> localMarkers) =>
        state.Role == StandbyRole.Primary ? state.LastGoodSync ?? LastReceived(localMarkers) : LastReceived(localMarkers);

    /// <summary>How old the data is: since the last good sync, or since the role was taken when there was none.</summary>
    public static TimeSpan Lag(StandbyState state, IReadOnlyList<StandbyMarker?> localMarkers, DateTimeOffset now)
    {
        var since = LastGoodSync(state, localMarkers) ?? state.RoleSince;
        return now > since ? now - since : TimeSpan.Zero;
    }

    /// <summary>The handover this standby is asked to take (switchover on the peer), or null.</summary>
    public static StandbyMarker? HandoverFor(StandbyState state, IEnumerable<StandbyMarker?> localMarkers) =>
        state.Role != StandbyRole.Standby ? null
            : localMarkers.OfType<StandbyMarker>().Where(m => m.Handover && m.Primary == state.ThisHost && m.Epoch > state.Epoch)
                .OrderByDescending(m => m.Epoch).FirstOrDefault();

    /// <summary>What status shows about the pair on this machine.</summary>
    public static StandbyStatus Status(StandbySettings settings, StandbyState state, IReadOnlyList<StandbyMarker?> localMarkers, DateTimeOffset now)
    {
        var lastGood = LastGoodSync(state, localMarkers);
        var lag = Lag(state, localMarkers, now);
        // On a standby the pair's epoch and primary come from the newest marker the primary wrote here, when it is newer
        // than this machine's own (a role store restored from a backup or started again, or a promote elsewhere that this
        // machine has not yet seen refused): both shown from the same marker, never a primary of one epoch beside another.
        var newest = state.Role == StandbyRole.Primary ? null : localMarkers.OfType<StandbyMarker>().MaxBy(m => m.Epoch);
        var primary = state.Role == StandbyRole.Primary ? state.ThisHost : newest?.Primary ?? settings.Primary;
        var epoch = Math.Max(state.Epoch, newest?.Epoch ?? 0);
        return new StandbyStatus(state.Role, epoch, state.ThisHost, state.Peer, primary, lastGood, lastGood is null ? null : lag.TotalSeconds,
            settings.MaxLag.TotalSeconds, state.Role == StandbyRole.Standby && lag > settings.MaxLag, state.RoleSince, state.PromotedAt,
            state.RefusedPushes, state.LastRefusal);
    }
}

/// <summary>
/// The pair as status shows it (<c>status --json</c>'s <c>standby</c> field of the standby job, <c>GET /api/standby</c>).
/// Field names are a contract: add fields, never rename them.
/// </summary>
/// <param name="Primary">Who is primary as far as this machine knows.</param>
/// <param name="LagSeconds">Age of the data since the last good sync; null when there was none.</param>
/// <param name="Lagging">True on a standby whose data is older than max-lag (the lag check fails).</param>
public sealed record StandbyStatus(
    StandbyRole Role, long Epoch, string ThisHost, string Peer, string Primary, DateTimeOffset? LastGoodSync, double? LagSeconds,
    double MaxLagSeconds, bool Lagging, DateTimeOffset RoleSince, DateTimeOffset? PromotedAt, long RefusedPushes, string? LastRefusal);
