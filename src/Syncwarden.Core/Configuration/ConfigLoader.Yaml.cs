using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace Syncwarden.Configuration;

public static partial class ConfigLoader
{
    /// <summary>
    /// Reads the text into YamlDotNet's representation model. YamlDotNet stops at the first duplicate key, so
    /// the event stream is read first: every duplicate is reported and dropped, and the remaining events are
    /// replayed into <see cref="YamlStream"/>. Returns the root node, or null when nothing could be bound.
    /// </summary>
    private static YamlNode? ReadYaml(string yaml, ConfigReader reader)
    {
        var events = new List<ParsingEvent>();
        var parser = new Parser(new StringReader(yaml));
        try
        {
            var depth = 0;
            while (parser.MoveNext())
            {
                var current = parser.Current!;
                events.Add(current);
                // Stop reading runaway nesting early; YamlShape explains it with its position.
                depth += current is MappingStart or SequenceStart ? 1 : current is MappingEnd or SequenceEnd ? -1 : 0;
                if (depth > YamlShape.MaxDepth)
                {
                    break;
                }
            }
        }
        catch (YamlException ex)
        {
            reader.SyntaxError(FirstTabIndent(yaml) is { } tab && ex.Message.Contains("tab", StringComparison.Ordinal) ? tab : ex.Start,
                SyntaxMessage(ex));
            return null;
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
        {
            // YamlDotNet's scanner throws these on some malformed input instead of a YamlException.
            var at = events.Count > 0 ? events[^1].End : Mark.Empty;
            reader.SyntaxError(at, "the file is not valid YAML near here");
            return null;
        }

        var documents = events.Count(e => e is DocumentStart);
        if (documents == 0)
        {
            reader.FileError("the configuration file is empty", "start with a jobs: section; see docs/configuration.md");
            return null;
        }
        if (documents > 1)
        {
            var second = events.Where(e => e is DocumentStart).Skip(1).First();
            reader.Error(second.Start, "", "the file holds more than one YAML document (a second '---' starts here); syncwarden reads exactly one",
                "merge the documents into one mapping and remove the '---' line; keep other configurations in files of their own and choose one with --config");
            return null;
        }
        if (YamlShape.Check(events) is { } shape)
        {
            reader.Error(shape.At, "", shape.Message, shape.Hint);
            return null;
        }

        try
        {
            var kept = new List<ParsingEvent>(events.Count);
            var i = 0;
            while (i < events.Count)
            {
                i = IsNodeStart(events[i]) ? CopyNode(events, i, kept, reader, "") : CopyOne(events, i, kept);
            }
            var stream = new YamlStream();
            stream.Load(new EventReplay(kept));
            return stream.Documents[0].RootNode;
        }
        catch (YamlException ex)
        {
            reader.SyntaxError(ex.Start, SyntaxMessage(ex));
            return null;
        }
    }

    // YamlDotNet reports tab indentation at the start of the enclosing mapping; point at the tab instead.
    private static Mark? FirstTabIndent(string yaml)
    {
        var lines = yaml.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var indent = lines[i].Length - lines[i].TrimStart(' ', '\t').Length;
            var tab = lines[i].IndexOf('\t', StringComparison.Ordinal);
            if (tab >= 0 && tab < indent)
            {
                return new Mark(0, i + 1, tab + 1);
            }
        }
        return null;
    }

    private static string SyntaxMessage(YamlException ex)
    {
        var message = ex.InnerException is YamlException inner && !string.IsNullOrEmpty(inner.Message) ? inner.Message : ex.Message;
        return $"invalid YAML: {message.TrimEnd('.')}";
    }

    private static int CopyOne(List<ParsingEvent> events, int i, List<ParsingEvent> kept)
    {
        kept.Add(events[i]);
        return i + 1;
    }

    private static bool IsNodeStart(ParsingEvent e) => e is Scalar or AnchorAlias or MappingStart or SequenceStart;

    /// <summary>Copies the node starting at <paramref name="i"/>, leaving out duplicate mapping entries; returns the index after it.</summary>
    private static int CopyNode(List<ParsingEvent> events, int i, List<ParsingEvent> kept, ConfigReader reader, string path)
    {
        switch (events[i])
        {
            case MappingStart:
                kept.Add(events[i++]);
                var seen = new HashSet<string>(StringComparer.Ordinal);
                while (events[i] is not MappingEnd)
                {
                    if (events[i] is Scalar key && !seen.Add(key.Value))
                    {
                        var keyPath = ConfigReader.Join(path, key.Value);
                        reader.Error(key.Start, keyPath, $"duplicate key '{ConfigReader.Excerpt(key.Value)}'; only one is allowed here",
                            "remove or merge the repeated entry");
                        // Kept under a name no one can write, so a named entry's (a job's, a host's) own errors are still reported.
                        kept.Add(ConfigReader.MarkDuplicate(key, i));
                        i = CopyNode(events, i + 1, kept, reader, keyPath);
                        continue;
                    }
                    var childPath = events[i] is Scalar k ? ConfigReader.Join(path, k.Value) : path;
                    i = CopyNode(events, i, kept, reader, path);
                    i = CopyNode(events, i, kept, reader, childPath);
                }
                kept.Add(events[i]);
                return i + 1;
            case SequenceStart:
                kept.Add(events[i++]);
                var index = 0;
                while (events[i] is not SequenceEnd)
                {
                    i = CopyNode(events, i, kept, reader, $"{path}[{index++}]");
                }
                kept.Add(events[i]);
                return i + 1;
            case Scalar or AnchorAlias:
                kept.Add(events[i]);
                return i + 1;
            default:
                // YamlDotNet can close a mapping right after a key (a lone ':' on the last line).
                throw new SemanticErrorException(events[i - 1].Start, events[i - 1].End, "a key has no value here");
        }
    }

    /// <summary>Feeds already-parsed events to <see cref="YamlStream.Load(IParser)"/>.</summary>
    private sealed class EventReplay(List<ParsingEvent> events) : IParser
    {
        private int _index = -1;

        public ParsingEvent? Current => _index >= 0 && _index < events.Count ? events[_index] : null;

        public bool MoveNext() => ++_index < events.Count;
    }
}
