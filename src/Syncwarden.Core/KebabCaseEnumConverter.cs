using System.Text.Json;
using System.Text.Json.Serialization;

namespace Syncwarden;

/// <summary>
/// JSON for enums whose names are contracts (run result, run trigger, hook kind, lock state):
/// <c>CatchUp</c> is <c>"catch-up"</c>. Put it on the enum type with
/// <c>[JsonConverter(typeof(KebabCaseEnumConverter&lt;T&gt;))]</c>; source generation instantiates it, no reflection.
/// The text is the same as <see cref="KebabCase.ToKebabCase{TEnum}(TEnum)"/> gives logs, hooks and the history database.
/// </summary>
public sealed class KebabCaseEnumConverter<TEnum>() : JsonStringEnumConverter<TEnum>(KebabCase.Policy, allowIntegerValues: false)
    where TEnum : struct, Enum;
