using YamlDotNet.RepresentationModel;

namespace Syncwarden.Configuration;

public static partial class ConfigLoader
{
    private static string[] SnapshotKeys => ["method", "keep"];

    private static string[] RetentionKeys => ["last", "hourly", "daily", "weekly", "monthly", "yearly"];

    private static (string, SnapshotMethod)[] SnapshotMethods =>
        [("link-dest", SnapshotMethod.LinkDest), ("btrfs", SnapshotMethod.Btrfs), ("none", SnapshotMethod.None)];

    private const string SnapshotsExample = "snapshots: { method: link-dest, keep: { daily: 7, weekly: 4, monthly: 12 } }";

    // Options that would make rsync write into (or link against) files that older snapshots share.
    private static readonly string[] s_snapshotConflicts = ["--link-dest", "--copy-dest", "--compare-dest"];

    /// <summary>A job's <c>snapshots:</c>: the method, and the retention rules applied after each new snapshot.</summary>
    private static JobConfig BindSnapshots(MappingView job, JobConfig config, ConfigReader reader)
    {
        if (job.Get("snapshots") is not { } node || reader.Map(node, job.PathOf("snapshots"), SnapshotKeys, SnapshotsExample) is not { } map)
        {
            return config;
        }
        var settings = new SnapshotSettings();
        var methodNode = map.Require("method", "method: link-dest (or btrfs, none)");
        if (methodNode is not null && reader.Choice(methodNode, map.PathOf("method"), SnapshotMethods) is { } method)
        {
            settings = settings with { Method = method };
        }
        if (map.Get("keep") is { } keep)
        {
            settings = settings with { Keep = BindRetention(keep, map.PathOf("keep"), reader) };
        }
        if (settings.Method == SnapshotMethod.LinkDest)
        {
            foreach (var option in config.Options.Concat(config.Syncs.SelectMany(s => s.Options)))
            {
                if (s_snapshotConflicts.Any(c => option == c || option.StartsWith(c + "=", StringComparison.Ordinal)))
                {
                    reader.Error(methodNode!, map.PathOf("method"), $"the job's rsync option {option} conflicts with snapshots: method: link-dest",
                        "remove the option; syncwarden links each snapshot to the previous one itself");
                }
            }
        }
        return config with { Snapshots = settings };
    }

    private static RetentionPolicy BindRetention(YamlNode node, string path, ConfigReader reader)
    {
        var policy = new RetentionPolicy();
        if (reader.Map(node, path, RetentionKeys, "keep: { last: 3, daily: 7, weekly: 4, monthly: 12 }") is not { } map)
        {
            return policy;
        }
        int Count(string key) => map.Get(key) is { } value
            && reader.Integer(value, map.PathOf(key), 0, 100_000, "a number of snapshots", $"{key}: 7") is { } n ? (int)n : 0;
        return new RetentionPolicy
        {
            Last = Count("last"),
            Hourly = Count("hourly"),
            Daily = Count("daily"),
            Weekly = Count("weekly"),
            Monthly = Count("monthly"),
            Yearly = Count("yearly"),
        };
    }
}
