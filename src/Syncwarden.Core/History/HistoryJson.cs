using System.Text.Json.Serialization;

namespace Syncwarden.History;

[JsonSerializable(typeof(IReadOnlyList<string>))]
internal sealed partial class HistoryJson : JsonSerializerContext;
