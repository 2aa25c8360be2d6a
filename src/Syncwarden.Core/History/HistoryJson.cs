using System.Text.Json.Serialization;

namespace Syncwarden.History;

[JsonSerializable(typeof(IReadOnlyList<string>))]
internal sealed partial class HistoryJson : JsonSerializerContext
{
    /// <summary>The context to use: readable escaping (<see cref="ReadableJson"/>), so sqlite3 shows paths as they are.</summary>
#pragma warning disable RS0030 // Default is banned elsewhere: everything goes through Readable, which it seeds.
    public static HistoryJson Readable => field ??= new(ReadableJson.Options(Default.Options));
#pragma warning restore RS0030
}
