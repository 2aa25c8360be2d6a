using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using Syncwarden.Scheduling;

namespace Syncwarden.Tests.Scheduling;

/// <summary>
/// Random expressions are generated together with the value sets they mean, so the oracle below does not reuse
/// the parser. The oracle walks instants minute by minute, which is slow but obviously right.
/// </summary>
public sealed class CronSchedulePropertyTests
{
    private static readonly Config Runs = Config.QuickThrowOnFailure.WithMaxTest(400);
    private static readonly TimeZoneInfo[] TestZones = [TimeZoneInfo.Utc, Zones.Amsterdam, Zones.NewYork, Zones.LordHowe];
    private static readonly string[] MonthNames = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
    private static readonly string[] DayNames = ["sun", "Mon", "TUE", "wed", "Thu", "fri", "SAT"];
    private static readonly TimeSpan Window = TimeSpan.FromDays(3);

    private static readonly DateTimeOffset[] Changes =
    [
        Zones.Utc(2025, 3, 30, 1), Zones.Utc(2025, 10, 26, 1), Zones.Utc(2025, 3, 9, 7), Zones.Utc(2025, 11, 2, 6),
        Zones.Utc(2025, 4, 5, 15), Zones.Utc(2025, 10, 4, 15, 30),
    ];

    private sealed record Field(string Text, HashSet<int> Values)
    {
        public bool Star => Text.StartsWith('*');
    }

    private sealed record Expression(Field[] Fields)
    {
        public string Text => string.Join(' ', Fields.Select(f => f.Text));

        public bool Matches(DateTime wall)
        {
            var dom = Fields[2].Values.Contains(wall.Day);
            var dow = Fields[4].Values.Contains((int)wall.DayOfWeek);
            var day = Fields[2].Star || Fields[4].Star ? dom && dow : dom || dow;
            return Fields[0].Values.Contains(wall.Minute) && Fields[1].Values.Contains(wall.Hour) && Fields[3].Values.Contains(wall.Month) && day;
        }

        public override string ToString() => Text;
    }

    private static Gen<string> Number(int value, int index) =>
        index switch
        {
            3 => Gen.Elements(value.ToString(CultureInfo.InvariantCulture), MonthNames[value - 1]),
            4 when value < 7 => Gen.Elements(value.ToString(CultureInfo.InvariantCulture), DayNames[value]),
            _ => Gen.Constant(value.ToString(CultureInfo.InvariantCulture)),
        };

    private static HashSet<int> Span(int start, int end, int step, int index)
    {
        var set = new HashSet<int>();
        for (var v = start; v <= end; v += step)
        {
            set.Add(index == 4 && v == 7 ? 0 : v);
        }
        return set;
    }

    private static Gen<Field> Part(int index, int min, int max, int starMax) =>
        Gen.Frequency(
            (2, Gen.Choose(min, max).SelectMany(v => Number(v, index), (v, t) => new Field(t, Span(v, v, 1, index)))),
            (2, Gen.Choose(min, max).SelectMany(a => Gen.Choose(a, max), (a, b) => (a, b))
                .SelectMany(r => Number(r.a, index).SelectMany(_ => Number(r.b, index), (x, y) => $"{x}-{y}"), (r, t) => new Field(t, Span(r.a, r.b, 1, index)))),
            (2, Gen.Choose(1, Math.Max(1, (starMax - min) / 2)).Select(s => new Field($"*/{s}", Span(min, starMax, s, index)))),
            (1, Gen.Choose(min, max).SelectMany(a => Gen.Choose(a, max), (a, b) => (a, b))
                .SelectMany(r => Gen.Choose(1, 10), (r, s) => new Field($"{r.a}-{r.b}/{s}", Span(r.a, r.b, s, index)))),
            (1, Gen.Choose(min, max).SelectMany(_ => Gen.Choose(1, 20), (a, s) => new Field($"{a}/{s}", Span(a, max, s, index)))));

    private static Gen<Field> FieldGen(int index, int min, int max, int starMax, int starWeight) =>
        Gen.Frequency(
            (starWeight, Gen.Constant(new Field("*", Span(min, starMax, 1, index)))),
            (3, Part(index, min, max, starMax)),
            (1, Gen.ListOf(Part(index, min, max, starMax), 2).Select(parts =>
                new Field(string.Join(',', parts.Select(p => p.Text)), parts.SelectMany(p => p.Values).ToHashSet()))));

    private static readonly Gen<Expression> Expressions =
        Gen.CollectToArray(new[]
        {
            FieldGen(0, 0, 59, 59, 3), FieldGen(1, 0, 23, 23, 4), FieldGen(2, 1, 31, 31, 8), FieldGen(3, 1, 12, 12, 12), FieldGen(4, 0, 7, 6, 5),
        }).Select(fields => new Expression(fields));

    private static readonly Gen<DateTimeOffset> Instants =
        Gen.Frequency(
            (1, Gen.Choose(0, 10 * 365 * 24 * 60).SelectMany(_ => Gen.Choose(0, 59), (m, s) => Zones.Utc(2020, 1, 1).AddMinutes(m).AddSeconds(s))),
            (1, Gen.Elements(Changes).SelectMany(_ => Gen.Choose(-36 * 60, 36 * 60), (c, m) => c.AddMinutes(m)).SelectMany(_ => Gen.Elements(0, 0, 30), (t, s) => t.AddSeconds(s))));

    private static readonly Arbitrary<(Expression, DateTimeOffset, TimeZoneInfo)> Cases =
        Expressions.SelectMany(_ => Instants, (e, t) => (e, t)).SelectMany(_ => Gen.Elements(TestZones), (et, z) => (et.e, et.t, z)).ToArbitrary();

    /// <summary>
    /// The documented rules expressed over instants: a minute instant runs when its wall time matches and it is that
    /// wall time's first occurrence; the instant just after a gap runs when any skipped wall minute matches.
    /// </summary>
    private static DateTimeOffset? Oracle(Expression expression, DateTimeOffset after, TimeZoneInfo zone, DateTimeOffset until)
    {
        var first = new DateTimeOffset(after.UtcDateTime.Ticks - (after.UtcDateTime.Ticks % TimeSpan.TicksPerMinute), TimeSpan.Zero);
        for (var u = first; u <= until; u = u.AddMinutes(1))
        {
            if (u <= after)
            {
                continue;
            }
            var wall = TimeZoneInfo.ConvertTime(u, zone).DateTime;
            var firstOccurrence = !zone.IsAmbiguousTime(wall) || zone.GetUtcOffset(u) == zone.GetAmbiguousTimeOffsets(wall).Max();
            if (expression.Matches(wall) && firstOccurrence)
            {
                return u;
            }
            var previousWall = TimeZoneInfo.ConvertTime(u.AddMinutes(-1), zone).DateTime;
            for (var skipped = previousWall.AddMinutes(1); skipped < wall; skipped = skipped.AddMinutes(1))
            {
                if (expression.Matches(skipped))
                {
                    return u;
                }
            }
        }
        return null;
    }

    [Fact]
    public void Next_is_later_matches_the_fields_and_skips_no_matching_minute()
    {
        Check.One(Runs, Prop.ForAll(Cases, c =>
        {
            var (expression, after, zone) = c;
            var schedule = CronSchedule.Parse(expression.Text);
            var next = schedule.NextAfter(after, zone);
            var expected = Oracle(expression, after, zone, after + Window);

            if (expected is not null)
            {
                next.Should().Be(expected, $"'{expression}' after {after:O} in {zone.Id}");
            }
            else if (next is { } n)
            {
                n.Should().BeAfter(after + Window, $"'{expression}' after {after:O} in {zone.Id}");
                var wall = TimeZoneInfo.ConvertTime(n, zone).DateTime;
                var skippedInGap = zone.IsInvalidTime(wall.AddMinutes(-1)) || Enumerable.Range(1, 60).Any(k => zone.IsInvalidTime(wall.AddMinutes(-k)));
                (expression.Matches(wall) || skippedInGap).Should().BeTrue($"'{expression}' gave {n:O} in {zone.Id}");
            }
        }));
    }

    [Fact]
    public void Next_is_strictly_later_and_monotonic()
    {
        var pairs = Cases.Generator.SelectMany(_ => Gen.Choose(0, 5 * 24 * 3600), (c, seconds) => (c, seconds)).ToArbitrary();
        Check.One(Runs, Prop.ForAll(pairs, p =>
        {
            var ((expression, t1, zone), seconds) = p;
            var t2 = t1.AddSeconds(seconds);
            var schedule = CronSchedule.Parse(expression.Text);

            var n1 = schedule.NextAfter(t1, zone);
            var n2 = schedule.NextAfter(t2, zone);

            if (n1 is { } a)
            {
                a.Should().BeAfter(t1, expression.Text);
            }
            if (n2 is { } b)
            {
                b.Should().BeAfter(t2, expression.Text);
                n1.Should().NotBeNull(expression.Text);
                n1!.Value.Should().BeOnOrBefore(b, $"'{expression}' in {zone.Id}: NextAfter must not decrease");
            }
        }));
    }

    [Fact]
    public void Every_generated_expression_parses()
    {
        Check.One(Runs, Prop.ForAll(Expressions.ToArbitrary(), e => CronSchedule.TryParse(e.Text, out _, out var error).Should().BeTrue(error)));
    }
}
