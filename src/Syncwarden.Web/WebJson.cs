using System.Text.Json;
using System.Text.Json.Serialization;
using Syncwarden.Events;
using Syncwarden.History;
using Syncwarden.Status;

namespace Syncwarden.Web;

/// <summary>
/// Everything the web layer writes as JSON, through source generation (NativeAOT: no reflection). The events are
/// the server-sent events of <c>/api/events</c>: an event type missing here is not streamed.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true)]
[JsonSerializable(typeof(ApiError))]
[JsonSerializable(typeof(ApiMessage))]
[JsonSerializable(typeof(Health))]
[JsonSerializable(typeof(Syncwarden.Standby.StandbyStatus))]
[JsonSerializable(typeof(JobStatus))]
[JsonSerializable(typeof(IReadOnlyList<JobStatus>))]
[JsonSerializable(typeof(RunJson))]
[JsonSerializable(typeof(IReadOnlyList<RunJson>))]
[JsonSerializable(typeof(RunStarted))]
[JsonSerializable(typeof(RunStageChanged))]
[JsonSerializable(typeof(RunWaiting))]
[JsonSerializable(typeof(RunProgressed))]
[JsonSerializable(typeof(RunWarning))]
[JsonSerializable(typeof(RunDeviceUsed))]
[JsonSerializable(typeof(RunFinished))]
[JsonSerializable(typeof(RunMissed))]
[JsonSerializable(typeof(ConfigurationReloaded))]
[JsonSerializable(typeof(DaemonReady))]
[JsonSerializable(typeof(DaemonWaiting))]
[JsonSerializable(typeof(VerifyFinished))]
internal sealed partial class WebJson : JsonSerializerContext
{
    /// <summary>The context to use: the options above with readable escaping (<see cref="ReadableJson"/>); the API is JSON, never HTML.</summary>
#pragma warning disable RS0030 // Default is banned elsewhere: everything goes through Readable, which it seeds.
    public static WebJson Readable => field ??= new(ReadableJson.Options(Default.Options));
#pragma warning restore RS0030
}

public sealed record Health(string Status, string Version);

/// <summary>The answer to an action that was accepted: what will happen, for the page to show.</summary>
public sealed record ApiMessage(string Message);
