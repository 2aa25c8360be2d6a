using System.Text.Json;
using System.Text.Json.Serialization;
using Syncwarden.Configuration;

namespace Syncwarden.Standby;

/// <summary>What a machine of a standby pair is now; its kebab-case name is the <c>role</c> field.</summary>
[JsonConverter(typeof(KebabCaseEnumConverter<StandbyRole>))]
public enum StandbyRole
{
    /// <summary>Serves the data and pushes it to the peer on the schedule.</summary>
    Primary,
    /// <summary>Receives the pushes and watches how old its data is.</summary>
    Standby,
}

/// <summary>
/// The role store, <c>STATE-DIR/standby.json</c>: this machine's role and epoch (the generation of the pair, raised by
/// every promote and switchover), kept across restarts and replaced atomically.
/// </summary>
/// <param name="RoleSince">When this machine took its current role.</param>
/// <param name="LastGoodSync">On the primary: when the last successful push began (its data is at least that fresh at the peer).</param>
/// <param name="PromotedAt">When this machine last became the primary by promote or switchover.</param>
/// <param name="RefusedPushes">How many pushes were refused because the peer held a higher epoch (fencing).</param>
/// <param name="LastRefusal">Why the last push was refused; null when none was.</param>
public sealed record StandbyState(
    StandbyRole Role, long Epoch, string ThisHost, string Peer, DateTimeOffset RoleSince,
    DateTimeOffset? LastGoodSync = null, DateTimeOffset? PromotedAt = null, long RefusedPushes = 0, string? LastRefusal = null)
{
    /// <summary>The state of a pair that never changed: the configured primary is primary, epoch 1.</summary>
    public static StandbyState Initial(StandbySettings settings, DateTimeOffset now) =>
        new(settings.IsConfiguredPrimary ? StandbyRole.Primary : StandbyRole.Standby, 1, settings.ThisHost, settings.PeerName, now);
}

/// <summary>What a primary writes at the root of each of the peer's data folders after every good sync (and promote writes in its own).</summary>
/// <param name="Epoch">The epoch of the primary that wrote it: a push from a lower epoch is refused.</param>
/// <param name="Primary">The host (hosts: name) that is primary in that epoch.</param>
/// <param name="SyncedAt">When the sync that wrote it began: the data is at least this fresh.</param>
/// <param name="Handover">Written by switchover: <see cref="Primary"/> is to take over in <see cref="Epoch"/> (its daemon runs the promote hooks).</param>
public sealed record StandbyMarker(long Epoch, string Primary, DateTimeOffset SyncedAt, bool Handover = false)
{
    /// <summary>The marker's file name at each data folder's root (excluded from the syncs, so never sent nor deleted).</summary>
    public const string FileName = ".syncwarden-standby.json";

    /// <summary>
    /// What a machine writes into its own data folders when it becomes the primary (promote, a switchover's handover).
    /// Never written by a push, so a stale marker write still in flight from a demoted primary cannot hide it.
    /// </summary>
    public const string ClaimFileName = ".syncwarden-standby-claim.json";

    /// <summary>The exclude rule that keeps markers and claims out of every sync of the pair (neither sent nor deleted).</summary>
    public const string ExcludeRule = "/.syncwarden-standby*.json";

    public static string PathIn(string folder) => Path.Combine(folder, FileName);

    public string ToJson() => JsonSerializer.Serialize(this, StandbyJson.Readable.StandbyMarker);

    /// <summary>Null when the text is not a marker (a damaged file counts as none, so fencing falls back to the role store).</summary>
    public static StandbyMarker? Parse(string json)
    {
        try
        {
            return JsonSerializer.Deserialize(json, StandbyJson.Readable.StandbyMarker) is { Primary: not null } m ? m : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true, UseStringEnumConverter = true)]
[JsonSerializable(typeof(StandbyState))]
[JsonSerializable(typeof(StandbyMarker))]
[JsonSerializable(typeof(StandbyStatus))]
internal sealed partial class StandbyJson : JsonSerializerContext
{
#pragma warning disable RS0030 // Default is banned elsewhere: everything goes through Readable, which it seeds.
    public static StandbyJson Readable => field ??= new(ReadableJson.Options(Default.Options));
#pragma warning restore RS0030
}
