using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Syncwarden.Configuration;

/// <summary>
/// Checks the shape of a parsed YAML event stream before anything walks it as a tree: how deeply it nests and
/// how many nodes its aliases add. An alias is a reference, so a few lines of nested anchors ("billion laughs")
/// stand for billions of nodes that any recursive walk would visit; deep nesting would exhaust the stack.
/// Works on the flat event list without recursion, in one pass.
/// </summary>
internal static class YamlShape
{
    /// <summary>Deepest nesting of mappings and lists allowed; a real configuration needs fewer than ten.</summary>
    public const int MaxDepth = 64;

    /// <summary>Most nodes that aliases may add in total; a real configuration reuses a few small blocks.</summary>
    public const long MaxAliasNodes = 100_000;

    /// <summary>Returns null when the shape is acceptable, else where and why it is not.</summary>
    public static (Mark At, string Message, string Hint)? Check(IReadOnlyList<ParsingEvent> events)
    {
        // Per anchor: how many nodes it stands for and how deep it nests below itself.
        var anchors = new Dictionary<string, (long Nodes, int Depth)>(StringComparer.Ordinal);
        // Open collections: the node count at their start, their depth and their anchor.
        var open = new Stack<Open>();
        long nodes = 0;
        long aliasNodes = 0;
        foreach (var e in events)
        {
            switch (e)
            {
                case Scalar scalar:
                    nodes++;
                    if (!scalar.Anchor.IsEmpty)
                    {
                        anchors[scalar.Anchor.Value] = (1, 0);
                    }
                    break;
                case AnchorAlias alias:
                    var (aliasCount, aliasDepth) = anchors.TryGetValue(alias.Value.Value, out var a) ? a : (1, 0);
                    nodes += aliasCount;
                    aliasNodes += aliasCount;
                    if (aliasNodes > MaxAliasNodes)
                    {
                        return (alias.Start,
                            string.Create(CultureInfo.InvariantCulture, $"aliases (*name) in this file expand to more than {MaxAliasNodes} nodes; refusing to expand them"),
                            "reuse small blocks only; an anchor that refers to other anchors many times over multiplies its size");
                    }
                    if (!Reached(open, open.Count + aliasDepth))
                    {
                        return TooDeep(alias.Start);
                    }
                    break;
                case NodeEvent { } collection when e is MappingStart or SequenceStart:
                    nodes++;
                    open.Push(new Open(nodes, open.Count + 1, collection.Anchor.IsEmpty ? null : collection.Anchor.Value, open.Count + 1));
                    if (!Reached(open, open.Count))
                    {
                        return TooDeep(collection.Start);
                    }
                    break;
                case MappingEnd or SequenceEnd:
                    var closed = open.Pop();
                    if (closed.Anchor is { } name)
                    {
                        anchors[name] = (nodes - closed.NodesBefore + 1, closed.DeepestBelow - closed.Depth + 1);
                    }
                    if (open.Count > 0)
                    {
                        var parent = open.Pop();
                        open.Push(parent with { DeepestBelow = Math.Max(parent.DeepestBelow, closed.DeepestBelow) });
                    }
                    break;
            }
        }
        return null;
    }

    /// <summary>Records that <paramref name="depth"/> was reached inside the innermost open collection; false when too deep.</summary>
    private static bool Reached(Stack<Open> open, int depth)
    {
        if (open.Count > 0 && depth > open.Peek().DeepestBelow)
        {
            var top = open.Pop();
            open.Push(top with { DeepestBelow = depth });
        }
        return depth <= MaxDepth;
    }

    /// <summary>An open mapping or list: the node count when it started, its depth, its anchor, the deepest level reached inside it.</summary>
    private readonly record struct Open(long NodesBefore, int Depth, string? Anchor, int DeepestBelow);

    private static (Mark, string, string) TooDeep(Mark at) =>
        (at, string.Create(CultureInfo.InvariantCulture, $"mappings and lists nest more than {MaxDepth} levels deep here"),
            "a configuration needs only a few levels (jobs: name: syncs: - source:); check for runaway brackets or indentation");
}
