using System.Text.Json;
using System.Text.Json.Serialization;
using Syncwarden.History;
using Syncwarden.Locks;

namespace Syncwarden.Cli.Output;

/// <summary>
/// JSON shapes printed by --json (runs are <see cref="RunJson"/>, shared with the web API). Field names are a contract:
/// change them only with a snapshot update. Enum fields are written by their type's KebabCaseEnumConverter ("catch-up"):
/// the same text as logs and the history database.
/// </summary>
internal sealed record CheckErrorJson(string File, int Line, int Column, string Key, string Message, string? Hint);

internal sealed record CheckJson(string Config, bool Valid, IReadOnlyList<CheckErrorJson> Errors, IReadOnlyList<string> Jobs);

internal sealed record PlanItemJson(string Kind, string Path, long Size);

internal sealed record PlanSyncJson(
    string Source, string Destination, string? Error,
    long CreateCount, long CreateBytes, long UpdateCount, long UpdateBytes, long DeleteCount, long AttributeCount,
    IReadOnlyList<PlanItemJson> Items, bool Truncated);

internal sealed record PlanJson(string Job, IReadOnlyList<PlanSyncJson> Syncs);

internal sealed record LockJson(
    string Job, LockKind Kind, string Lock, string? Host, string Path, LockFileState State, string? Holder, double? AgeSeconds, string? Error);

/// <summary>One snapshot of <c>snapshots list</c>: <c>store</c> is the folder holding it (host:path for a push job).</summary>
internal sealed record SnapshotJson(string Job, string Store, string Name, DateTimeOffset Time, bool Latest);

/// <summary>One snapshot of <c>snapshots prune</c>: kept or not, the rules that keep it, and whether it was deleted.</summary>
internal sealed record PruneJson(string Job, string Store, string Name, DateTimeOffset Time, bool Keep, IReadOnlyList<string> Reasons, bool Deleted);

/// <summary>One host of <c>keys list</c>: its managed key, whether it was installed and is used by the jobs, and the pinned host key.</summary>
internal sealed record KeyJson(
    string Host, string Key, string Fingerprint, bool Installed, bool InUse, string? From, string? Root, bool? ReadOnly,
    string? HostKeyFingerprint, DateTimeOffset? InstalledAt);

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(IReadOnlyList<RunJson>))]
[JsonSerializable(typeof(IReadOnlyList<Syncwarden.Status.JobStatus>))]
[JsonSerializable(typeof(CheckJson))]
[JsonSerializable(typeof(PlanJson))]
[JsonSerializable(typeof(Syncwarden.Verification.VerifyRecord))]
[JsonSerializable(typeof(IReadOnlyList<LockJson>))]
[JsonSerializable(typeof(IReadOnlyList<SnapshotJson>))]
[JsonSerializable(typeof(IReadOnlyList<PruneJson>))]
[JsonSerializable(typeof(IReadOnlyList<KeyJson>))]
[JsonSerializable(typeof(IReadOnlyList<Syncwarden.Notifications.ChannelReport>))]
[JsonSerializable(typeof(IReadOnlyList<Syncwarden.Devices.DeviceState>))]
internal sealed partial class CliJson : JsonSerializerContext
{
    /// <summary>The context to use: the options above with readable escaping (<see cref="ReadableJson"/>).</summary>
#pragma warning disable RS0030 // Default is banned elsewhere: everything goes through Readable, which it seeds.
    public static CliJson Readable => field ??= new(ReadableJson.Options(Default.Options));
#pragma warning restore RS0030
}
