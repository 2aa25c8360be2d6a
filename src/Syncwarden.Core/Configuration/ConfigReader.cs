using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Syncwarden.Configuration;

/// <summary>
/// Reads typed values out of YAML nodes and records a <see cref="ConfigError"/> for every problem instead of
/// throwing, so one pass over the file reports everything that is wrong with it.
/// </summary>
internal sealed partial class ConfigReader(string file)
{
    private readonly List<ConfigError> _errors = [];

    public string File { get; } = file;

    public IReadOnlyList<ConfigError> Errors => _errors;

    public static string Join(string path, string key) => path.Length == 0 ? key : $"{path}.{key}";

    /// <summary>Longest stretch of a value echoed in a message; longer ones are cut in the middle.</summary>
    public const int MaxEcho = 120;

    public void Error(Mark at, string key, string message, string? hint = null) =>
        _errors.Add(new ConfigError(File, (int)at.Line, (int)at.Column, Excerpt(key), ExcerptWords(message), hint is null ? null : ExcerptWords(hint)));

    public void Error(YamlNode at, string key, string message, string? hint = null) => Error(at.Start, key, message, hint);

    public void SyntaxError(Mark at, string message) =>
        Error(at, "", message, "check indentation (spaces, not tabs), colons after keys and matching quotes or brackets");

    public void FileError(string message, string hint) => _errors.Add(new ConfigError(File, 0, 0, "", message, hint));

    public static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any, Value: null or "" or "~" or "null" or "Null" or "NULL" };

    public static string Describe(YamlNode node) => node switch
    {
        _ when IsNull(node) => "nothing",
        YamlMappingNode => "a mapping (key: value lines)",
        YamlSequenceNode => "a list",
        YamlScalarNode s => $"\"{Excerpt(s.Value ?? "")}\"",
        _ => "something else",
    };

    /// <summary>The value itself when short; else its start and end around a count of what was left out, at most <see cref="MaxEcho"/> characters.</summary>
    public static string Excerpt(string value)
    {
        if (value.Length <= MaxEcho)
        {
            return value;
        }
        // The marker's own length depends on the count; 40 characters leave room for any count.
        const int Keep = (MaxEcho - 40) / 2;
        return $"{value[..Keep]}…({(value.Length - (2 * Keep)).ToString(CultureInfo.InvariantCulture)} characters left out)…{value[^Keep..]}";
    }

    // A message quotes values inside its own words; each word is cut on its own, then the whole.
    private static string ExcerptWords(string text)
    {
        if (text.Length <= MaxEcho)
        {
            return text;
        }
        var words = text.Split(' ');
        var shortened = string.Join(' ', words.Select(Excerpt));
        return shortened.Length <= 4 * MaxEcho ? shortened : Excerpt(shortened);
    }

    // A repeated key is kept under a name YAML text cannot produce, so its value can still be checked.
    private const char DuplicateMark = '\0';

    public static Scalar MarkDuplicate(Scalar key, int position) =>
        new(key.Anchor, key.Tag, $"{DuplicateMark}{position.ToString(CultureInfo.InvariantCulture)}{DuplicateMark}{key.Value}",
            key.Style, key.IsPlainImplicit, key.IsQuotedImplicit, key.Start, key.End, key.IsKey);

    private static string? DuplicateOf(string key) =>
        key.Length > 0 && key[0] == DuplicateMark ? key[(key.IndexOf(DuplicateMark, 1) + 1)..] : null;

    /// <summary>The key as written in the file, also for a repeated key kept under its internal name.</summary>
    public static string KeyName(string key) => DuplicateOf(key) ?? key;

    /// <summary>
    /// Opens a mapping and reports keys that are not in <paramref name="known"/>. An empty value (<c>log:</c>)
    /// reads as an empty mapping so defaults apply. Returns null, after reporting, when the node is not a mapping.
    /// </summary>
    public MappingView? Map(YamlNode node, string path, IReadOnlyList<string> known, string example)
    {
        if (IsNull(node))
        {
            return new MappingView(this, path, node.Start, []);
        }
        if (node is not YamlMappingNode mapping)
        {
            Error(node, path, $"expected a mapping (key: value lines), got {Describe(node)}", $"e.g. {example}");
            return null;
        }

        var entries = new List<(YamlScalarNode Key, YamlNode Value)>();
        var duplicates = new List<(string Name, YamlScalarNode Key, YamlNode Value)>();
        foreach (var (keyNode, value) in mapping.Children)
        {
            if (keyNode is not YamlScalarNode key || key.Value is null)
            {
                Error(keyNode, path, $"a key must be plain text, got {Describe(keyNode)}");
                continue;
            }
            if (DuplicateOf(key.Value) is { } repeated)
            {
                // Reported when the file was read; a named entry's copy is still checked by its binder.
                duplicates.Add((repeated, key, value));
                continue;
            }
            if (known.Count > 0 && !known.Contains(key.Value))
            {
                Error(key, Join(path, key.Value), $"unknown key '{key.Value}'", SuggestKey(key.Value, known));
                continue;
            }
            entries.Add((key, value));
        }
        return new MappingView(this, path, mapping.Start, entries, duplicates);
    }

    /// <summary>Opens a list; an empty value reads as an empty list. Returns null, after reporting, when the node is not a list.</summary>
    public IReadOnlyList<(YamlNode Node, string Path)>? Sequence(YamlNode node, string path, string example)
    {
        if (IsNull(node))
        {
            return [];
        }
        if (node is not YamlSequenceNode sequence)
        {
            Error(node, path, $"expected a list, got {Describe(node)}", $"e.g. {example}");
            return null;
        }
        return sequence.Children.Select((child, index) => (child, $"{path}[{index}]")).ToList();
    }

    /// <summary>Reads a text value that must not be empty.</summary>
    public string? Text(YamlNode node, string path, string example)
    {
        if (node is YamlScalarNode scalar && !IsNull(node) && !string.IsNullOrWhiteSpace(scalar.Value))
        {
            return scalar.Value;
        }
        var problem = node is YamlScalarNode ? "must not be empty" : $"expected text, got {Describe(node)}";
        Error(node, path, problem, $"e.g. {example}");
        return null;
    }

    /// <summary>
    /// Reads a path on this machine: absolute, or for a <paramref name="program"/> also a bare name looked up on PATH.
    /// A relative path would depend on the folder syncwarden is started from, so it is refused with
    /// <paramref name="absoluteExample"/> as the fix.
    /// </summary>
    public string? LocalPath(YamlNode node, string path, string example, string absoluteExample, bool program = false) =>
        Text(node, path, example) is { } value && IsLocalPath(value, node, path, absoluteExample, program) ? value : null;

    /// <summary>The rule of <see cref="LocalPath"/> for a value already read (a list item); false after reporting.</summary>
    public bool IsLocalPath(string value, YamlNode node, string path, string absoluteExample, bool program = false)
    {
        if (value.StartsWith('/') || (program && !value.Contains('/', StringComparison.Ordinal)))
        {
            return true;
        }
        var rule = program ? "must be an absolute path or a bare name found on PATH" : "must be an absolute path";
        Error(node, path, $"{rule}, got \"{value}\"", $"e.g. {absoluteExample}; a relative path would depend on the folder syncwarden is started from");
        return false;
    }

    public IReadOnlyList<(string Value, YamlNode Node, string Path)>? TextList(YamlNode node, string path, string example)
    {
        var items = Sequence(node, path, example);
        if (items is null)
        {
            return null;
        }
        var result = new List<(string, YamlNode, string)>(items.Count);
        foreach (var (child, childPath) in items)
        {
            if (Text(child, childPath, example) is { } text)
            {
                result.Add((text, child, childPath));
            }
        }
        return result;
    }

    public long? Integer(YamlNode node, string path, long min, long max, string expected, string example)
    {
        if (node is YamlScalarNode { Value: { } text } && !IsNull(node)
            && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            if (value >= min && value <= max)
            {
                return value;
            }
            var range = max == long.MaxValue || max == int.MaxValue
                ? $"at least {min.ToString(CultureInfo.InvariantCulture)}"
                : $"between {min.ToString(CultureInfo.InvariantCulture)} and {max.ToString(CultureInfo.InvariantCulture)}";
            Error(node, path, $"expected {expected} {range}, got {text}", $"e.g. {example}");
            return null;
        }
        Error(node, path, $"expected {expected}, got {Describe(node)}", $"e.g. {example}");
        return null;
    }

    public bool? Boolean(YamlNode node, string path, string example)
    {
        if (node is YamlScalarNode { Value: { } text })
        {
            switch (text.ToLowerInvariant())
            {
                case "true" or "yes" or "on":
                    return true;
                case "false" or "no" or "off":
                    return false;
            }
        }
        Error(node, path, $"expected true or false, got {Describe(node)}", $"e.g. {example}");
        return null;
    }

    public TimeSpan? Duration(YamlNode node, string path, bool allowZero, string example)
    {
        if (node is not YamlScalarNode scalar || IsNull(node))
        {
            Error(node, path, $"expected a duration such as {DurationParser.Examples}, got {Describe(node)}", $"e.g. {example}");
            return null;
        }
        if (!DurationParser.TryParse(scalar.Value, out var value, out var error))
        {
            Error(node, path, error!, $"e.g. {example}; a bare number means seconds");
            return null;
        }
        if (!allowZero && value == TimeSpan.Zero)
        {
            Error(node, path, "must be longer than zero", $"e.g. {example}");
            return null;
        }
        return value;
    }

    /// <summary>Reads one of a fixed set of words; the message lists them all.</summary>
    public T? Choice<T>(YamlNode node, string path, IReadOnlyList<(string Word, T Value)> allowed)
        where T : struct
    {
        var words = allowed.Select(a => a.Word).ToList();
        if (node is YamlScalarNode { Value: { } text } && !IsNull(node))
        {
            foreach (var (word, value) in allowed)
            {
                if (string.Equals(word, text, StringComparison.OrdinalIgnoreCase))
                {
                    return value;
                }
            }
        }
        var got = Describe(node);
        var hint = node is YamlScalarNode { Value: { } t } && Nearest(t, words) is { } near
            ? $"did you mean '{near}'?"
            : $"e.g. {path[(path.LastIndexOf('.') + 1)..]}: {words[0]}";
        Error(node, path, $"expected one of {string.Join(", ", words)}, got {got}", hint);
        return null;
    }
}
