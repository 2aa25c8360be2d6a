using YamlDotNet.RepresentationModel;

namespace Syncwarden.Configuration;

public static partial class ConfigLoader
{
    private static readonly string[] StatusFileKeys = ["path", "every"];

    private const string StatusFileExample = "status-file: { path: /run/syncwarden/status.json, every: 10s }";

    /// <summary>The top-level <c>status-file:</c> the daemon rewrites for scripts; the path defaults to one under state-dir.</summary>
    private static StatusFileSettings BindStatusFile(YamlNode node, ConfigReader reader)
    {
        var settings = new StatusFileSettings();
        if (reader.Map(node, "status-file", StatusFileKeys, StatusFileExample) is not { } map)
        {
            return settings;
        }
        if (map.Get("path") is { } path
            && reader.LocalPath(path, map.PathOf("path"), "path: /run/syncwarden/status.json", "/run/syncwarden/status.json") is { } p)
        {
            if (p.EndsWith('/'))
            {
                reader.Error(path, map.PathOf("path"), "the status file's path names a directory", "name the file itself, e.g. path: /run/syncwarden/status.json");
            }
            settings = settings with { Path = p };
        }
        if (map.Get("every") is { } every
            && reader.Duration(every, map.PathOf("every"), allowZero: false, "every: 10s") is { } e)
        {
            if (e < StatusFileSettings.Shortest)
            {
                reader.Error(every, map.PathOf("every"), $"must be at least {DurationParser.Format(StatusFileSettings.Shortest)}",
                    "the file is for scripts that poll; e.g. every: 10s");
            }
            settings = settings with { Every = e };
        }
        return settings;
    }

    /// <summary>A job's <c>stale-after:</c>: how old its last successful sync may get before status calls it stale.</summary>
    private static JobConfig BindStaleAfter(MappingView map, JobConfig job, ConfigReader reader) =>
        map.Get("stale-after") is { } node && reader.Duration(node, map.PathOf("stale-after"), allowZero: false, "stale-after: 2d") is { } d
            ? job with { StaleAfter = d }
            : job;
}
