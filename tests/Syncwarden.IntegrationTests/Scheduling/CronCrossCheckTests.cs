using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Syncwarden.IntegrationTests.Infrastructure;
using Syncwarden.Scheduling;

namespace Syncwarden.IntegrationTests.Scheduling;

/// <summary>
/// Compares <see cref="CronSchedule"/> (the Cronos library behind Syncwarden's syntax check, day rule and repeated-hour
/// rule) with npm's cron-parser (version pinned in node/package.json), run with node.
/// </summary>
/// <remarks>
/// Differences on purpose, each asserted rather than skipped:
/// <list type="bullet">
/// <item>Day rule: cron-parser applies "either day field" whenever a day field is not exactly <c>*</c>; Vixie cron and
/// Syncwarden only when neither field starts with <c>*</c>, so <c>0 0 13 * */7</c> means "the 13th, if a Sunday".
/// For those expressions the expected days are the intersection of cron-parser's day-of-month-only and
/// day-of-week-only sequences.</item>
/// <item>Daylight saving: cron-parser moves a skipped wall time forward by the length of the gap (02:30 becomes
/// 03:30) and runs a frequent job in both passes of a repeated hour; Syncwarden runs a skipped time at the end of the
/// gap and a repeated time only at its first occurrence. Every case is also checked against cron-parser's wall-clock
/// sequence (evaluated in UTC, so without changes) mapped to instants by the documented rule; direct disagreements
/// with cron-parser are allowed only when a change lies inside the compared span.</item>
/// <item><c>@midnight</c> is not known to cron-parser; it is compared with cron-parser's <c>@daily</c>.</item>
/// <item>An impossible date (<c>0 0 30 2 *</c>) is a parse error in cron-parser; Syncwarden accepts it and never runs it.</item>
/// </list>
/// </remarks>
public sealed class CronCrossCheckTests
{
    private const int Count = 5;
    // Enough to step over a repeated hour of a job that runs every minute.
    private const int WallCount = 70;
    private const int DayFieldCount = 400;

    private static readonly string NodeDir = Path.Combine(AppContext.BaseDirectory, "Scheduling", "node");

    private static readonly string[] Expressions =
    [
        "* * * * *", "*/5 * * * *", "*/15 * * * *", "1-30/7 * * * *", "5/15 * * * *", "0 * * * *", "30 * * * *",
        "0 */2 * * *", "15 1-4 * * *", "0 0 * * *", "30 1 * * *", "30 2 * * *", "0 3 * * *", "45 2 * * *",
        "0,30 1,2,3 * * *", "0 9 * * MON-FRI", "0 9 * * mon-fri", "0 18 * * SAT,SUN", "0 0 * * 0", "0 0 * * 7",
        "0 0 * * 5-7", "0 12 1 * *", "0 0 31 * *", "0 0 29 2 *", "0 6 * JAN,APR,JUL,OCT *", "0 6 1 jan-mar *",
        "0 0 1,15 * *", "0 0 13 * 5", "0 0 13 * FRI", "30 4 1,15 * 1", "0 8-18/2 * * 1-5", "0 0 1 */3 *",
        "0 0 */13 * FRI", "0 0 13 * */7", "10 2 1-7 * */3",
        "@hourly", "@daily", "@midnight", "@weekly", "@monthly", "@yearly", "@annually",
    ];

    private static readonly string[] ZoneIds = ["Europe/Amsterdam", "America/New_York"];

    private static readonly DateTimeOffset[] Starts =
    [
        Utc("2025-01-15T10:17:23Z"), Utc("2024-02-28T12:00:00Z"),
        Utc("2025-03-30T00:10:00Z"), Utc("2025-10-26T00:05:00Z"), Utc("2025-10-26T01:20:00Z"),
        Utc("2025-03-09T06:20:00Z"), Utc("2025-11-02T05:10:00Z"), Utc("2025-11-02T06:10:00Z"),
    ];

    private sealed record Case(string Expression, string ZoneId, DateTimeOffset Start)
    {
        public TimeZoneInfo Zone => TimeZoneInfo.FindSystemTimeZoneById(ZoneId);

        public override string ToString() => $"'{Expression}' from {Start:O} in {ZoneId}";
    }

    [Fact]
    public async Task Next_five_occurrences_agree_with_cron_parser_or_differ_only_as_documented()
    {
        var cases = (from e in Expressions from z in ZoneIds from s in Starts select new Case(e, z, s)).ToList();
        var requests = new List<(string Expression, DateTimeOffset Start, string Zone, int Count)>();
        foreach (var c in cases)
        {
            var theirs = c.Expression == "@midnight" ? "@daily" : c.Expression;
            var wallStart = new DateTimeOffset(TimeZoneInfo.ConvertTime(c.Start, c.Zone).DateTime, TimeSpan.Zero);
            requests.Add((theirs, c.Start, c.ZoneId, Count));
            requests.Add((theirs, wallStart, "UTC", WallCount));
            var fields = theirs.Split(' ');
            if (IsStarStep(c.Expression))
            {
                requests.Add(($"{fields[0]} {fields[1]} {fields[2]} {fields[3]} *", wallStart, "UTC", DayFieldCount));
                requests.Add(($"{fields[0]} {fields[1]} * {fields[3]} {fields[4]}", wallStart, "UTC", DayFieldCount));
            }
        }
        var answers = await RunCronParserAsync(requests);

        var agreed = 0;
        var explained = new List<string>();
        var index = 0;
        foreach (var c in cases)
        {
            var zoned = answers[index++];
            var wall = answers[index++];
            if (IsStarStep(c.Expression))
            {
                var domOnly = answers[index++];
                var dowOnly = answers[index++];
                var horizon = domOnly[^1] < dowOnly[^1] ? domOnly[^1] : dowOnly[^1];
                wall = domOnly.Intersect(dowOnly).Order().ToList();
                wall.Count.Should().BeGreaterThan(Count + 2, $"{c}: the intersection must be long enough to compare");
                wall[Count + 2].Should().BeBefore(horizon, $"{c}: the intersection is only complete before both sequences end");
            }

            var ours = Ours(c);
            var documented = wall.Select(w => Documented(w.UtcDateTime, c.Zone)).Where(t => t > c.Start).Distinct().Take(Count).ToList();
            ours.Should().Equal(documented, $"{c}: ours must be cron-parser's wall-clock sequence mapped by the documented DST rule");

            if (ours.SequenceEqual(zoned))
            {
                agreed++;
                continue;
            }
            // A start inside a repeated hour counts: the change is just behind it.
            var changeInside = ChangeBetween(c.Zone, c.Start.AddHours(-2), ours[^1]);
            (IsStarStep(c.Expression) || changeInside).Should().BeTrue(
                $"{c}: differs from cron-parser without a documented reason\n ours: {string.Join(", ", ours.Select(o => o.ToString("O")))}\n cron-parser: {string.Join(", ", zoned.Select(o => o.ToString("O")))}");
            explained.Add(c.ToString());
        }

        agreed.Should().BeGreaterThan(cases.Count * 3 / 4, $"most cases must agree directly; explained differences: {string.Join("; ", explained)}");
    }

    [Fact]
    public async Task Impossible_dates_are_a_parse_error_there_and_never_due_here()
    {
        var answers = await RunCronParserAsync([("0 0 30 2 *", Utc("2025-01-01T00:00:00Z"), "UTC", 1)], allowErrors: true);

        answers[0].Should().BeEmpty("cron-parser rejects 30 February");
        CronSchedule.Parse("0 0 30 2 *").NextAfter(Utc("2025-01-01T00:00:00Z"), TimeZoneInfo.Utc).Should().BeNull();
    }

    private static List<DateTimeOffset> Ours(Case c)
    {
        var schedule = CronSchedule.Parse(c.Expression);
        var result = new List<DateTimeOffset>();
        var t = c.Start;
        while (result.Count < Count && schedule.NextAfter(t, c.Zone) is { } next)
        {
            result.Add(next);
            t = next;
        }
        return result;
    }

    /// <summary>Vixie's rule differs from cron-parser's when a restricted day field starts with * but is not exactly *.</summary>
    private static bool IsStarStep(string expression)
    {
        var fields = expression.Split(' ');
        if (fields.Length != 5)
        {
            return false;
        }
        bool Restricted(string f) => f != "*";
        return Restricted(fields[2]) && Restricted(fields[4]) && (fields[2].StartsWith('*') || fields[4].StartsWith('*'));
    }

    /// <summary>The documented rule in one line: the first instant whose wall-clock time is at or after <paramref name="wall"/>.</summary>
    private static DateTimeOffset Documented(DateTime wall, TimeZoneInfo zone)
    {
        var u = new DateTimeOffset(DateTime.SpecifyKind(wall, DateTimeKind.Unspecified), TimeSpan.Zero) - zone.GetUtcOffset(wall.AddDays(-1)) - TimeSpan.FromHours(3);
        while (TimeZoneInfo.ConvertTime(u, zone).DateTime < wall)
        {
            u = u.AddMinutes(1);
        }
        return u;
    }

    private static bool ChangeBetween(TimeZoneInfo zone, DateTimeOffset from, DateTimeOffset to)
    {
        for (var t = from; t < to; t = t.AddHours(1))
        {
            if (zone.GetUtcOffset(t) != zone.GetUtcOffset(t.AddHours(1)))
            {
                return true;
            }
        }
        return false;
    }

    private static DateTimeOffset Utc(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    private static async Task<List<List<DateTimeOffset>>> RunCronParserAsync(
        IReadOnlyList<(string Expression, DateTimeOffset Start, string Zone, int Count)> requests, bool allowErrors = false)
    {
        var node = await CronParser.EnsureInstalledAsync(NodeDir);
        var input = new JsonArray(requests.Select(r => (JsonNode)new JsonObject
        {
            ["expression"] = r.Expression,
            ["start"] = r.Start.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture),
            ["zone"] = r.Zone,
            ["count"] = r.Count,
        }).ToArray());
        var result = await TestProcess.RunAsync(node, [Path.Combine(NodeDir, "next.js")], TimeSpan.FromMinutes(2),
            workingDirectory: NodeDir, standardInput: Encoding.UTF8.GetBytes(input.ToJsonString()));
        result.ExitCode.Should().Be(0, result.ToString());

        var answers = new List<List<DateTimeOffset>>();
        foreach (var (answer, request) in JsonNode.Parse(result.StandardOutput)!.AsArray().Zip(requests))
        {
            if (answer!["error"] is { } error)
            {
                allowErrors.Should().BeTrue($"cron-parser rejected '{request.Expression}': {error}");
                answers.Add([]);
                continue;
            }
            answers.Add(answer["next"]!.AsArray().Select(n => Utc(n!.GetValue<string>())).ToList());
        }
        return answers;
    }
}
