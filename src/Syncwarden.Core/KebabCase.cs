using System.Collections.Frozen;
using System.Text.Json;

namespace Syncwarden;

/// <summary>
/// The one text form of a contract enum, wherever it leaves the process: the history database, log
/// lines, hook environment variables, CLI tables and (through <see cref="KebabCaseEnumConverter{TEnum}"/>) JSON.
/// </summary>
public static class KebabCase
{
    internal static JsonNamingPolicy Policy => JsonNamingPolicy.KebabCaseLower;

    /// <summary><c>RunTrigger.CatchUp</c> as <c>catch-up</c>.</summary>
    public static string ToKebabCase<TEnum>(this TEnum value) where TEnum : struct, Enum =>
        Table<TEnum>.ByValue.TryGetValue(value, out var name) ? name : throw new ArgumentOutOfRangeException(nameof(value), value, $"not a named {typeof(TEnum).Name}");

    /// <summary>The value named <paramref name="text"/>, exactly as <see cref="ToKebabCase{TEnum}(TEnum)"/> writes it.</summary>
    public static bool TryParse<TEnum>(string text, out TEnum value) where TEnum : struct, Enum =>
        Table<TEnum>.ByName.TryGetValue(text, out value);

    private static class Table<TEnum> where TEnum : struct, Enum
    {
        public static readonly FrozenDictionary<TEnum, string> ByValue =
            Enum.GetValues<TEnum>().Distinct().ToFrozenDictionary(v => v, v => Policy.ConvertName(v.ToString()));

        public static readonly FrozenDictionary<string, TEnum> ByName =
            ByValue.ToFrozenDictionary(p => p.Value, p => p.Key, StringComparer.Ordinal);
    }
}
