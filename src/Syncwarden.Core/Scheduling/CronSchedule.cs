using System.Globalization;

namespace Syncwarden.Scheduling;

/// <summary>
/// A standard five-field cron expression (minute hour day-of-month month day-of-week), evaluated in a time zone.
/// </summary>
/// <remarks>
/// <para>Fields accept <c>*</c>, lists (<c>1,15</c>), ranges (<c>1-5</c>), steps (<c>*/5</c>, <c>1-30/7</c>,
/// <c>5/15</c> meaning 5 to the field's maximum every 15), month names <c>JAN</c>-<c>DEC</c> and weekday names
/// <c>SUN</c>-<c>SAT</c> (case-insensitive; weekday 0 and 7 are both Sunday), and the macros <c>@hourly</c>,
/// <c>@daily</c>, <c>@midnight</c>, <c>@weekly</c>, <c>@monthly</c>, <c>@yearly</c> and <c>@annually</c>.</para>
/// <para>Day rule (Vixie cron): when both day-of-month and day-of-week are restricted (neither field starts with
/// <c>*</c>), a day matches if either field matches; otherwise both must match.</para>
/// <para>Daylight saving time, for the wall-clock times the expression names in the zone:
/// a time that does not exist (skipped by a spring-forward change) runs once, at the first instant after the gap,
/// which is the instant of the change; several skipped times collapse into that one run.
/// A time that occurs twice (repeated by a fall-back change) runs once, at its first occurrence; nothing runs
/// during the second pass through the repeated wall-clock times, so a <c>*/5 * * * *</c> job pauses for the
/// repeated hour.</para>
/// </remarks>
public sealed class CronSchedule : ISchedule
{
    private static readonly string[] FieldNames = ["minute", "hour", "day-of-month", "month", "day-of-week"];
    private static readonly (int Min, int Max)[] FieldRanges = [(0, 59), (0, 23), (1, 31), (1, 12), (0, 7)];
    private static readonly string[] MonthNames = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
    private static readonly string[] DayNames = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

    private static readonly Dictionary<string, string> Macros = new(StringComparer.OrdinalIgnoreCase)
    {
        ["@hourly"] = "0 * * * *",
        ["@daily"] = "0 0 * * *",
        ["@midnight"] = "0 0 * * *",
        ["@weekly"] = "0 0 * * 0",
        ["@monthly"] = "0 0 1 * *",
        ["@yearly"] = "0 0 1 1 *",
        ["@annually"] = "0 0 1 1 *",
    };

    // A Gregorian calendar repeats every 400 years, so a wall time not found within that span never comes.
    private const int SearchYears = 400;
    private const int NominalSamples = 12;

    private readonly ulong[] _masks;
    private readonly bool _domStar;
    private readonly bool _dowStar;
    private readonly string _text;
    private readonly Lazy<TimeSpan> _nominalPeriod;

    private CronSchedule(string text, ulong[] masks, bool domStar, bool dowStar)
    {
        _text = text;
        _masks = masks;
        _domStar = domStar;
        _dowStar = dowStar;
        _nominalPeriod = new Lazy<TimeSpan>(ComputeNominalPeriod);
    }

    /// <summary>
    /// The longest gap between consecutive occurrences among the first twelve after 2001-01-01 00:00 UTC, evaluated
    /// in UTC; <see cref="TimeSpan.MaxValue"/> when the expression has fewer than two occurrences.
    /// </summary>
    public TimeSpan NominalPeriod => _nominalPeriod.Value;

    /// <summary>Parses <paramref name="text"/>; on failure <paramref name="error"/> names the field and the problem.</summary>
    public static bool TryParse(string? text, out CronSchedule? schedule, out string? error)
    {
        schedule = null;
        var original = (text ?? "").Trim();
        if (original.Length == 0)
        {
            error = "the cron expression is empty; expected 5 fields (minute hour day-of-month month day-of-week) or a macro such as @daily";
            return false;
        }
        var expanded = original;
        if (original.StartsWith('@'))
        {
            if (!Macros.TryGetValue(original, out var macro))
            {
                error = $"unknown cron macro \"{original}\"; use one of @hourly, @daily, @midnight, @weekly, @monthly, @yearly, @annually";
                return false;
            }
            expanded = macro;
        }

        var fields = expanded.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length != 5)
        {
            error = $"expected 5 fields (minute hour day-of-month month day-of-week), got {fields.Length} in \"{original}\"";
            return false;
        }
        var masks = new ulong[5];
        for (var i = 0; i < 5; i++)
        {
            if (ParseField(fields[i], i) is not { } mask)
            {
                error = $"{FieldNames[i]} field \"{fields[i]}\": {FieldError(fields[i], i)}";
                return false;
            }
            masks[i] = mask;
        }
        // Day-of-week 7 is Sunday.
        if ((masks[4] & (1UL << 7)) != 0)
        {
            masks[4] = (masks[4] & ~(1UL << 7)) | 1UL;
        }
        schedule = new CronSchedule(original, masks, fields[2].StartsWith('*'), fields[4].StartsWith('*'));
        error = null;
        return true;
    }

    /// <summary>Parses <paramref name="text"/> or throws <see cref="FormatException"/> with the parse error.</summary>
    public static CronSchedule Parse(string text) =>
        TryParse(text, out var schedule, out var error) ? schedule! : throw new FormatException(error);

    /// <inheritdoc />
    /// <remarks>See the class remarks for the daylight saving time rules.</remarks>
    public DateTimeOffset? NextAfter(DateTimeOffset after, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(after, zone).DateTime;
        var wall = new DateTime(local.Year, local.Month, local.Day, local.Hour, local.Minute, 0, DateTimeKind.Unspecified);
        // Wall times map to instants in non-decreasing order, so the first candidate past 'after' is the answer;
        // candidates before it were either already due or are second occurrences of a repeated hour.
        while (NextWallTime(wall) is { } candidate)
        {
            var instant = WallClock.ToInstant(candidate, zone);
            if (instant > after)
            {
                return instant;
            }
            wall = candidate.AddMinutes(1);
        }
        return null;
    }

    public string Describe() => _text;

    public override string ToString() => _text;

    /// <summary>The first wall time at or after <paramref name="from"/> (whole minutes) that matches every field.</summary>
    internal DateTime? NextWallTime(DateTime from)
    {
        int year = from.Year, month = from.Month, day = from.Day, hour = from.Hour, minute = from.Minute;
        var lastYear = Math.Min(year + SearchYears, 9998);
        while (year <= lastYear)
        {
            if (!Has(_masks[3], month))
            {
                var nextMonth = NextBit(_masks[3], month, 12);
                if (nextMonth < 0)
                {
                    year++;
                    nextMonth = NextBit(_masks[3], 1, 12);
                }
                (month, day, hour, minute) = (nextMonth, 1, 0, 0);
                continue;
            }
            var daysInMonth = DateTime.DaysInMonth(year, month);
            var nextDay = day;
            while (nextDay <= daysInMonth && !DayMatches(year, month, nextDay))
            {
                nextDay++;
            }
            if (nextDay > daysInMonth)
            {
                (year, month) = month == 12 ? (year + 1, 1) : (year, month + 1);
                (day, hour, minute) = (1, 0, 0);
                continue;
            }
            if (nextDay != day)
            {
                (day, hour, minute) = (nextDay, 0, 0);
            }
            var nextHour = NextBit(_masks[1], hour, 23);
            if (nextHour < 0)
            {
                (day, hour, minute) = (day + 1, 0, 0);
                continue;
            }
            if (nextHour != hour)
            {
                (hour, minute) = (nextHour, 0);
            }
            var nextMinute = NextBit(_masks[0], minute, 59);
            if (nextMinute < 0)
            {
                (hour, minute) = (hour + 1, 0);
                continue;
            }
            return new DateTime(year, month, day, hour, nextMinute, 0, DateTimeKind.Unspecified);
        }
        return null;
    }

    /// <summary>Whether the wall-clock minute <paramref name="wall"/> matches the expression.</summary>
    internal bool Matches(DateTime wall) =>
        Has(_masks[0], wall.Minute) && Has(_masks[1], wall.Hour) && Has(_masks[3], wall.Month) && DayMatches(wall.Year, wall.Month, wall.Day);

    private bool DayMatches(int year, int month, int day)
    {
        var dom = Has(_masks[2], day);
        var dow = Has(_masks[4], (int)new DateTime(year, month, day).DayOfWeek);
        return _domStar || _dowStar ? dom && dow : dom || dow;
    }

    private TimeSpan ComputeNominalPeriod()
    {
        var longest = TimeSpan.Zero;
        DateTimeOffset? previous = NextAfter(new DateTimeOffset(2001, 1, 1, 0, 0, 0, TimeSpan.Zero), TimeZoneInfo.Utc);
        for (var i = 1; i < NominalSamples && previous is { } p; i++)
        {
            if (NextAfter(p, TimeZoneInfo.Utc) is not { } next)
            {
                break;
            }
            longest = next - p > longest ? next - p : longest;
            previous = next;
        }
        return longest == TimeSpan.Zero ? TimeSpan.MaxValue : longest;
    }

    private static bool Has(ulong mask, int value) => (mask & (1UL << value)) != 0;

    private static int NextBit(ulong mask, int from, int max)
    {
        for (var v = from; v <= max; v++)
        {
            if (Has(mask, v))
            {
                return v;
            }
        }
        return -1;
    }

    private static ulong? ParseField(string field, int index)
    {
        var (min, max) = FieldRanges[index];
        ulong mask = 0;
        foreach (var part in field.Split(','))
        {
            if (ParsePart(part, index, min, max) is not { } bits)
            {
                return null;
            }
            mask |= bits;
        }
        return mask;
    }

    private static ulong? ParsePart(string part, int index, int min, int max)
    {
        var slash = part.IndexOf('/');
        var rangeText = slash < 0 ? part : part[..slash];
        var step = 1;
        if (slash >= 0 && !(int.TryParse(part[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out step) && step >= 1))
        {
            return null;
        }
        int start, end;
        if (rangeText == "*")
        {
            // Day-of-week * is 0-6; 7 would only repeat Sunday.
            (start, end) = (min, index == 4 ? 6 : max);
        }
        else if (rangeText.IndexOf('-') is var dash and > 0)
        {
            if (Value(rangeText[..dash], index, min, max) is not { } a || Value(rangeText[(dash + 1)..], index, min, max) is not { } b || a > b)
            {
                return null;
            }
            (start, end) = (a, b);
        }
        else if (Value(rangeText, index, min, max) is { } single)
        {
            // "5/15" means from 5 to the maximum every 15; a plain "5" is just 5.
            (start, end) = (single, slash >= 0 ? max : single);
        }
        else
        {
            return null;
        }
        ulong bits = 0;
        for (var v = start; v <= end; v += step)
        {
            bits |= 1UL << v;
        }
        return bits;
    }

    private static int? Value(string text, int index, int min, int max)
    {
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return number >= min && number <= max ? number : null;
        }
        var names = index switch { 3 => MonthNames, 4 => DayNames, _ => null };
        var found = names is null ? -1 : Array.FindIndex(names, n => string.Equals(n, text, StringComparison.OrdinalIgnoreCase));
        return found < 0 ? null : index == 3 ? found + 1 : found;
    }

    /// <summary>Explains why <paramref name="field"/> did not parse; only called on failure, so it may be slow.</summary>
    private static string FieldError(string field, int index)
    {
        var (min, max) = FieldRanges[index];
        var allowed = index switch
        {
            3 => $"{min}-{max} or JAN-DEC",
            4 => "0-7 (0 and 7 are Sunday) or SUN-SAT",
            _ => $"{min}-{max}",
        };
        foreach (var part in field.Split(','))
        {
            if (part.Length == 0)
            {
                return "empty list item (check for a doubled or trailing comma)";
            }
            if (part is "?" || part.Contains('L', StringComparison.OrdinalIgnoreCase) && index is 2 || part.Contains('#'))
            {
                return $"\"{part}\" is Quartz syntax, not standard cron; allowed values are {allowed}";
            }
            if (ParsePart(part, index, min, max) is not null)
            {
                continue;
            }
            var slash = part.IndexOf('/');
            if (slash >= 0 && !(int.TryParse(part[(slash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var step) && step >= 1))
            {
                return $"step \"{part[(slash + 1)..]}\" in \"{part}\" must be a whole number of at least 1";
            }
            var rangeText = slash < 0 ? part : part[..slash];
            var dash = rangeText.IndexOf('-');
            var ends = dash > 0 ? [rangeText[..dash], rangeText[(dash + 1)..]] : new[] { rangeText };
            foreach (var end in ends)
            {
                if (Value(end, index, min, max) is null)
                {
                    return int.TryParse(end, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
                        ? $"value {n} is out of range; allowed values are {allowed}"
                        : $"\"{end}\" is not a valid value; allowed values are {allowed}";
                }
            }
            return dash > 0
                ? $"range \"{rangeText}\" runs backwards; write the smaller value first"
                : $"\"{part}\" is not a valid value, range or step";
        }
        return $"not a valid field; allowed values are {allowed}";
    }
}
