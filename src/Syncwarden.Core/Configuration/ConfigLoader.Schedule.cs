using System.Globalization;
using Syncwarden.Scheduling;
using YamlDotNet.RepresentationModel;

namespace Syncwarden.Configuration;

public static partial class ConfigLoader
{
    private static readonly string[] EveryKeys = ["weeks", "days", "hours", "minutes", "seconds", "at"];

    /// <summary>Binds a job's schedule: (cron text) or every: (interval mapping), which exclude each other, and catch-up:.</summary>
    private static JobConfig BindSchedule(MappingView map, JobConfig job, ConfigReader reader)
    {
        var cronNode = map.Get("schedule");
        var everyNode = map.Get("every");
        // Each is checked even when both are given, so every mistake shows at once.
        var cron = cronNode is null ? null : BindCron(cronNode, map.PathOf("schedule"), reader);
        var every = everyNode is null ? null : BindEvery(everyNode, map.PathOf("every"), reader);
        if (cronNode is not null && everyNode is not null)
        {
            reader.Error(everyNode, map.PathOf("every"), "a job takes either schedule: or every:, not both",
                "keep one, e.g. schedule: \"0 1 * * *\" or every: { days: 1, at: \"01:00\" }");
        }
        else if (((ISchedule?)cron ?? every) is { } schedule)
        {
            job = job with { Schedule = schedule };
        }
        if (map.Get("catch-up") is { } catchUp && reader.Boolean(catchUp, map.PathOf("catch-up"), "catch-up: false") is { } c)
        {
            job = job with { CatchUp = c };
        }
        return job;
    }

    private static CronSchedule? BindCron(YamlNode node, string path, ConfigReader reader)
    {
        const string Example = "schedule: \"30 1 * * *\" (quote it: a leading * means something else in YAML)";
        if (reader.Text(node, path, Example) is not { } text)
        {
            return null;
        }
        if (CronSchedule.TryParse(text, out var schedule, out var error))
        {
            return schedule;
        }
        reader.Error(node, path, error!, "five fields: minute hour day-of-month month day-of-week, e.g. \"30 1 * * *\" or \"*/15 8-18 * * MON-FRI\"");
        return null;
    }

    private static EverySchedule? BindEvery(YamlNode node, string path, ConfigReader reader)
    {
        const string Example = "every: { days: 1, at: \"01:00\" }";
        if (reader.Map(node, path, EveryKeys, Example) is not { } map)
        {
            return null;
        }
        var interval = TimeSpan.Zero;
        // Unknown keys were reported already; a missing interval would only repeat that error.
        var valid = node is not YamlMappingNode mapping || mapping.Children.Count == map.Entries.Count;
        foreach (var (unit, size) in new[] { ("weeks", TimeSpan.FromDays(7)), ("days", TimeSpan.FromDays(1)), ("hours", TimeSpan.FromHours(1)), ("minutes", TimeSpan.FromMinutes(1)), ("seconds", TimeSpan.FromSeconds(1)) })
        {
            if (map.Get(unit) is not { } amountNode)
            {
                continue;
            }
            // Ten years in any unit is far beyond a sensible schedule and keeps the sum well inside TimeSpan.
            var limit = (long)(TimeSpan.FromDays(3653) / size);
            if (reader.Integer(amountNode, map.PathOf(unit), 0, limit, $"a whole number of {unit}", $"{unit}: 1") is { } amount)
            {
                interval += TimeSpan.FromTicks(amount * size.Ticks);
            }
            else
            {
                valid = false;
            }
        }
        TimeOnly? at = null;
        if (map.Get("at") is { } atNode)
        {
            at = BindTimeOfDay(atNode, map.PathOf("at"), reader);
            valid &= at is not null;
        }
        if (valid && interval == TimeSpan.Zero)
        {
            reader.Error(node, path, "every: needs an interval: at least one of weeks, days, hours, minutes, seconds above zero", $"e.g. {Example}");
            return null;
        }
        return valid ? new EverySchedule(interval, at) : null;
    }

    private static TimeOnly? BindTimeOfDay(YamlNode node, string path, ConfigReader reader)
    {
        if (node is YamlScalarNode { Value: { } text } && !ConfigReader.IsNull(node)
            && TimeOnly.TryParseExact(text, ["H:mm", "HH:mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
        {
            return time;
        }
        reader.Error(node, path, $"expected a time of day as HH:MM (24-hour clock), got {ConfigReader.Describe(node)}", "e.g. at: \"01:30\"");
        return null;
    }
}
