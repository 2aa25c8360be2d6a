using YamlDotNet.RepresentationModel;

namespace Syncwarden.Configuration;

public static partial class ConfigLoader
{
    private static readonly string[] SyncKeys = ["source", "destination", "options", "exclude"];

    private static List<SyncPair> BindSyncs(YamlNode node, string path, Direction? direction, ConfigReader reader)
    {
        const string Example = "syncs: [{ source: /srv/data, destination: /backup/data }]";
        var pairs = new List<SyncPair>();
        if (reader.Sequence(node, path, Example) is not { } items)
        {
            return pairs;
        }
        if (items.Count == 0)
        {
            reader.Error(node, path, "a job needs at least one entry under syncs", $"e.g. {Example}");
            return pairs;
        }
        foreach (var (item, itemPath) in items)
        {
            if (BindSync(item, itemPath, direction, reader) is { } pair)
            {
                pairs.Add(pair);
            }
        }
        return pairs;
    }

    private static SyncPair? BindSync(YamlNode node, string path, Direction? direction, ConfigReader reader)
    {
        if (ConfigReader.IsNull(node))
        {
            reader.Error(node, path, "empty sync entry", "write - { source: /srv/data, destination: /backup/data }");
            return null;
        }
        if (reader.Map(node, path, SyncKeys, "- { source: /srv/data, destination: /backup/data }") is not { } map)
        {
            return null;
        }

        var source = map.Require("source", "source: /path/to/copy") is { } s
            ? reader.Text(s, map.PathOf("source"), "source: /srv/data")
            : null;
        var destination = map.Require("destination", "destination: /path/to/replica") is { } d
            ? reader.Text(d, map.PathOf("destination"), "destination: /backup/data")
            : null;

        // Local sides must be absolute: the daemon's working directory is not something an admin should rely on.
        if (source is not null && direction is Direction.Local or Direction.Push)
        {
            CheckAbsolute(map.Get("source")!, map.PathOf("source"), source, direction == Direction.Local ? "a local job" : "a push job", reader);
        }
        if (destination is not null && direction is Direction.Local or Direction.Pull)
        {
            CheckAbsolute(map.Get("destination")!, map.PathOf("destination"), destination, direction == Direction.Local ? "a local job" : "a pull job", reader);
        }

        var pair = new SyncPair { Source = source ?? "", Destination = destination ?? "" };
        if (map.Get("options") is { } options)
        {
            pair = pair with { Options = BindRsyncOptions(options, map.PathOf("options"), reader) };
        }
        if (OptionalTextList(map, "exclude", "exclude: ['*.tmp']", reader) is { } exclude)
        {
            pair = pair with { Exclude = exclude };
        }
        return pair;
    }

    private static void CheckAbsolute(YamlNode node, string path, string value, string jobKind, ConfigReader reader)
    {
        if (!value.StartsWith('/'))
        {
            reader.Error(node, path, $"in {jobKind} this path is on this machine and must be absolute, got \"{value}\"",
                $"e.g. /{value.TrimStart('.', '/')}");
        }
    }
}
