using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Syncwarden.Configuration;

/// <summary>A mapping whose unknown keys have already been reported; lookups by key, plus required-key checks.</summary>
internal sealed class MappingView
{
    private readonly ConfigReader _reader;
    private readonly Dictionary<string, (YamlScalarNode Key, YamlNode Value)> _byKey;

    public MappingView(ConfigReader reader, string path, Mark start, IReadOnlyList<(YamlScalarNode Key, YamlNode Value)> entries,
        IReadOnlyList<(string Name, YamlScalarNode Key, YamlNode Value)>? duplicates = null)
    {
        Duplicates = duplicates ?? [];
        _reader = reader;
        Path = path;
        Start = start;
        Entries = entries;
        _byKey = entries.ToDictionary(e => e.Key.Value!, StringComparer.Ordinal);
    }

    public string Path { get; }

    public Mark Start { get; }

    /// <summary>Entries in file order.</summary>
    public IReadOnlyList<(YamlScalarNode Key, YamlNode Value)> Entries { get; }

    /// <summary>Later entries whose key repeats an earlier one: already reported, never bound, but a named entry's own errors are worth checking.</summary>
    public IReadOnlyList<(string Name, YamlScalarNode Key, YamlNode Value)> Duplicates { get; }

    public string PathOf(string key) => ConfigReader.Join(Path, key);

    public bool Has(string key) => _byKey.ContainsKey(key);

    public YamlNode? Get(string key) => _byKey.TryGetValue(key, out var entry) ? entry.Value : null;

    /// <summary>Returns the value, or reports the key as missing at the start of this mapping.</summary>
    public YamlNode? Require(string key, string example)
    {
        if (Get(key) is { } value)
        {
            return value;
        }
        _reader.Error(Start, PathOf(key), $"required key '{key}' is missing", $"add {example}");
        return null;
    }
}
