using System.Globalization;

namespace Syncwarden.Configuration;

/// <summary>
/// One problem found in a configuration file. <see cref="Line"/> and <see cref="Column"/> are 1-based;
/// 0 means the problem concerns the whole file (for example, it could not be read).
/// <see cref="Key"/> is the dotted path of the offending key, such as <c>jobs.nightly.syncs[1].source</c>.
/// </summary>
public sealed record ConfigError(string File, int Line, int Column, string Key, string Message, string? Hint = null)
{
    /// <summary>Renders as <c>file:line:column: key: message (hint: ...)</c>, the shape compilers use.</summary>
    public override string ToString()
    {
        var location = Line > 0
            ? string.Create(CultureInfo.InvariantCulture, $"{File}:{Line}:{Column}")
            : File;
        var key = Key.Length > 0 ? $" {Key}:" : "";
        var hint = Hint is null ? "" : $" (hint: {Hint})";
        return $"{location}:{key} {Message}{hint}";
    }
}

/// <summary>The outcome of loading a configuration file: the bound config when there were no errors, and every error found.</summary>
public sealed record ConfigLoadResult(SyncwardenConfig? Config, IReadOnlyList<ConfigError> Errors)
{
    public bool IsValid => Errors.Count == 0 && Config is not null;
}
