using System.Globalization;
using Syncwarden.Scheduling;
using YamlDotNet.RepresentationModel;

namespace Syncwarden.Configuration;

public static partial class ConfigLoader
{
    /// <summary>A property, like LockJobKeys, so the order static fields initialise in does not matter.</summary>
    private static string[] PointInTimeKeys => ["source-snapshot", "verify"];
    private static readonly string[] SourceSnapshotKeys = ["method", "directory"];
    private static readonly string[] VerifyKeys = ["every", "sample"];

    private static readonly (string, SourceSnapshotMethod)[] SourceSnapshotMethods = [("btrfs", SourceSnapshotMethod.Btrfs)];

    /// <summary>Binds a job's <c>source-snapshot:</c> (a method, or a mapping with a directory) and <c>verify:</c>.</summary>
    private static JobConfig BindPointInTime(MappingView map, JobConfig job, ConfigReader reader)
    {
        if (map.Get("source-snapshot") is { } snapshot)
        {
            job = job with { SourceSnapshot = BindSourceSnapshot(snapshot, map.PathOf("source-snapshot"), reader) };
        }
        if (map.Get("verify") is { } verify)
        {
            job = job with { Verify = BindVerify(verify, map.PathOf("verify"), reader) };
        }
        return job;
    }

    private static SourceSnapshotSettings? BindSourceSnapshot(YamlNode node, string path, ConfigReader reader)
    {
        if (node is YamlScalarNode && !ConfigReader.IsNull(node))
        {
            return reader.Choice(node, path, SourceSnapshotMethods) is { } m ? new SourceSnapshotSettings { Method = m } : null;
        }
        if (reader.Map(node, path, SourceSnapshotKeys, "source-snapshot: { method: btrfs, directory: /srv/.snapshots }") is not { } map)
        {
            return null;
        }
        var settings = new SourceSnapshotSettings();
        if (map.Get("method") is { } method && reader.Choice(method, map.PathOf("method"), SourceSnapshotMethods) is { } m2)
        {
            settings = settings with { Method = m2 };
        }
        if (map.Get("directory") is { } directory && reader.Text(directory, map.PathOf("directory"), "directory: /srv/.snapshots") is { } d)
        {
            if (!d.StartsWith('/'))
            {
                reader.Error(directory, map.PathOf("directory"), $"the snapshot folder must be an absolute path, got \"{ConfigReader.Excerpt(d)}\"",
                    "a folder on the same btrfs filesystem as the sources, e.g. directory: /srv/.snapshots");
                return settings;
            }
            settings = settings with { Directory = d.TrimEnd('/') is { Length: > 0 } trimmed ? trimmed : "/" };
        }
        return settings;
    }

    private static VerifySettings? BindVerify(YamlNode node, string path, ConfigReader reader)
    {
        const string Example = "verify: { every: 1w, sample: 5% }";
        if (reader.Map(node, path, VerifyKeys, Example) is not { } map)
        {
            return null;
        }
        var settings = new VerifySettings();
        if (map.Get("sample") is { } sample && BindPercent(sample, map.PathOf("sample"), reader) is { } percent)
        {
            settings = settings with { SamplePercent = percent };
        }
        if (map.Get("every") is { } every)
        {
            // A duration ("1w"), or the job's own every: form with an anchor ({ days: 7, at: "03:00" }).
            ISchedule? schedule = every is YamlMappingNode
                ? BindEvery(every, map.PathOf("every"), reader)
                : reader.Duration(every, map.PathOf("every"), allowZero: false, "every: 1w") is { } d ? WholeSeconds(d, every, map.PathOf("every"), reader) : null;
            settings = settings with { Schedule = schedule };
        }
        return settings;
    }

    private static EverySchedule? WholeSeconds(TimeSpan interval, YamlNode node, string path, ConfigReader reader)
    {
        if (interval.Ticks % TimeSpan.TicksPerSecond == 0)
        {
            return new EverySchedule(interval);
        }
        reader.Error(node, path, "the interval must be a whole number of seconds", "e.g. every: 1w");
        return null;
    }

    /// <summary>A share such as <c>5%</c>, <c>0.5%</c> or <c>100</c> (percent), above 0 and at most 100.</summary>
    private static double? BindPercent(YamlNode node, string path, ConfigReader reader)
    {
        const string Hint = "a share of the files such as sample: 5% (100% checks every file)";
        if (node is YamlScalarNode { Value: { } text } && !ConfigReader.IsNull(node)
            && double.TryParse(text.TrimEnd('%'), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var percent))
        {
            if (percent > 0 && percent <= 100)
            {
                return percent;
            }
            reader.Error(node, path, $"expected a percentage above 0% and at most 100%, got \"{ConfigReader.Excerpt(text)}\"", Hint);
            return null;
        }
        reader.Error(node, path, $"expected a percentage, got {ConfigReader.Describe(node)}", Hint);
        return null;
    }
}
