using YamlDotNet.RepresentationModel;

namespace Syncwarden.Configuration;

public static partial class ConfigLoader
{
    private static readonly string[] DaemonKeys = ["max-concurrent-jobs", "time-zone", "shutdown-grace"];

    private static DaemonSettings BindDaemon(YamlNode node, ConfigReader reader)
    {
        var settings = new DaemonSettings();
        if (reader.Map(node, "daemon", DaemonKeys, "daemon: { max-concurrent-jobs: 2, time-zone: Europe/Amsterdam, shutdown-grace: 30s }") is not { } map)
        {
            return settings;
        }
        if (map.Get("max-concurrent-jobs") is { } max
            && reader.Integer(max, map.PathOf("max-concurrent-jobs"), 1, int.MaxValue, "a whole number of jobs", "max-concurrent-jobs: 2") is { } m)
        {
            settings = settings with { MaxConcurrentJobs = (int)m };
        }
        if (map.Get("time-zone") is { } zone && BindTimeZone(zone, map.PathOf("time-zone"), reader) is { } z)
        {
            settings = settings with { TimeZone = z };
        }
        if (map.Get("shutdown-grace") is { } grace
            && reader.Duration(grace, map.PathOf("shutdown-grace"), allowZero: true, "shutdown-grace: 30s") is { } g)
        {
            settings = settings with { ShutdownGrace = g };
        }
        return settings;
    }

    private static string? BindTimeZone(YamlNode node, string path, ConfigReader reader)
    {
        if (reader.Text(node, path, "time-zone: Europe/Amsterdam") is not { } id)
        {
            return null;
        }
        try
        {
            TimeZoneInfo.FindSystemTimeZoneById(id);
            return id;
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            var known = TimeZoneInfo.GetSystemTimeZones().Select(z => z.Id);
            var hint = ConfigReader.Nearest(id, known) is { } near
                ? $"did you mean '{near}'?"
                : "use an IANA zone name such as Europe/Amsterdam or UTC (the names under /usr/share/zoneinfo; install tzdata if it is empty)";
            reader.Error(node, path, $"unknown time zone '{id}'", hint);
            return null;
        }
    }
}
