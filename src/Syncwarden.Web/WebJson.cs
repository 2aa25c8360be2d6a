using System.Text.Json;
using System.Text.Json.Serialization;

namespace Syncwarden.Web;

/// <summary>Everything the web layer writes as JSON, through source generation (NativeAOT: no reflection).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true)]
[JsonSerializable(typeof(ApiError))]
[JsonSerializable(typeof(Health))]
internal sealed partial class WebJson : JsonSerializerContext;

public sealed record Health(string Status, string Version);
