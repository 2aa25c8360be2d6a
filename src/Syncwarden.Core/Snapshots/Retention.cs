using System.Globalization;
using Syncwarden.Configuration;

namespace Syncwarden.Snapshots;

/// <summary>What retention decided for one snapshot, with every rule that keeps it ("daily 2/7").</summary>
public sealed record RetentionDecision(string Name, DateTimeOffset Time, bool Keep, IReadOnlyList<string> Reasons);

/// <summary>
/// Grandfather-father-son selection. Each rule on its own walks the snapshots newest first and keeps the newest
/// snapshot of each period (hour, day, ISO week, month, year in the daemon's time zone) until it has kept N; "last"
/// keeps the N newest. The union is kept, the newest snapshot (the one <c>latest</c> names) always. The clock plays
/// no part: periods without snapshots are not counted, so a job that stopped for a month keeps its history.
/// </summary>
public static class Retention
{
    public static IReadOnlyList<RetentionDecision> Decide(IEnumerable<string> names, RetentionPolicy policy, TimeZoneInfo zone, string? latest = null)
    {
        var snapshots = names
            .Select(n => SnapshotName.TryParse(n, out var t) ? (Name: n, Time: t.Value) : default)
            .Where(s => s.Name is not null)
            .DistinctBy(s => s.Name, StringComparer.Ordinal)
            .OrderByDescending(s => s.Time)
            .ToList();
        var reasons = snapshots.ToDictionary(s => s.Name, _ => new List<string>(), StringComparer.Ordinal);
        if (snapshots.Count == 0)
        {
            return [];
        }
        if (policy.KeepsEverything)
        {
            snapshots.ForEach(s => reasons[s.Name].Add("no keep rules"));
        }
        else
        {
            reasons[snapshots[0].Name].Add("newest");
            if (latest is not null && reasons.TryGetValue(latest, out var latestReasons) && latest != snapshots[0].Name)
            {
                latestReasons.Add("latest");
            }
            Apply(snapshots, "last", policy.Last, (_, index) => index.ToString(CultureInfo.InvariantCulture), reasons);
            Apply(snapshots, "hourly", policy.Hourly, (t, _) => Local(t, zone).ToString("yyyy-MM-dd HH", CultureInfo.InvariantCulture), reasons);
            Apply(snapshots, "daily", policy.Daily, (t, _) => Local(t, zone).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), reasons);
            Apply(snapshots, "weekly", policy.Weekly, (t, _) => IsoWeek(Local(t, zone)), reasons);
            Apply(snapshots, "monthly", policy.Monthly, (t, _) => Local(t, zone).ToString("yyyy-MM", CultureInfo.InvariantCulture), reasons);
            Apply(snapshots, "yearly", policy.Yearly, (t, _) => Local(t, zone).Year.ToString(CultureInfo.InvariantCulture), reasons);
        }
        return [.. snapshots.Select(s => new RetentionDecision(s.Name, s.Time, reasons[s.Name].Count > 0, reasons[s.Name]))];
    }

    private static void Apply(List<(string Name, DateTimeOffset Time)> newestFirst, string rule, int count, Func<DateTimeOffset, int, string> period,
        Dictionary<string, List<string>> reasons)
    {
        string? last = null;
        var kept = 0;
        for (var i = 0; i < newestFirst.Count && kept < count; i++)
        {
            var key = period(newestFirst[i].Time, i);
            if (key == last)
            {
                continue;
            }
            last = key;
            kept++;
            reasons[newestFirst[i].Name].Add($"{rule} {kept.ToString(CultureInfo.InvariantCulture)}/{count.ToString(CultureInfo.InvariantCulture)}");
        }
    }

    private static DateTime Local(DateTimeOffset time, TimeZoneInfo zone) => TimeZoneInfo.ConvertTime(time, zone).DateTime;

    private static string IsoWeek(DateTime day) =>
        $"{ISOWeek.GetYear(day).ToString(CultureInfo.InvariantCulture)}-W{ISOWeek.GetWeekOfYear(day).ToString("00", CultureInfo.InvariantCulture)}";
}
