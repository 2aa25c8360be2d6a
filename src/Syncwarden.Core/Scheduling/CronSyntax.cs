using System.Globalization;

namespace Syncwarden.Scheduling;

/// <summary>
/// The value sets of a parsed cron expression (bit n set: value n matches; day-of-week 7 already folded into 0),
/// and whether Vixie cron's "either day field" rule applies (both day fields restricted).
/// </summary>
internal sealed record CronFields(ulong Minutes, ulong Hours, ulong DaysOfMonth, ulong Months, ulong DaysOfWeek, bool EitherDay);

/// <summary>
/// Syncwarden's cron dialect: checks an expression, explains every bad field in the configuration's words, and
/// turns a good one into value sets. Evaluation is Cronos' job (<see cref="CronSchedule"/>).
/// </summary>
/// <remarks>
/// This front-end stays although Cronos parses cron text itself: Cronos' messages name neither the value nor what is
/// allowed, it accepts syntax the docs reject (<c>?</c>, <c>L</c>, <c>W</c>, <c>#</c>, <c>H</c>, backwards ranges,
/// <c>@every_minute</c>), and it rejects forms that have always worked here (<c>0 */24 * * *</c>, <c>005</c>).
/// </remarks>
internal static class CronSyntax
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

    /// <summary>
    /// Parses trimmed <paramref name="text"/>; on failure <paramref name="error"/> names every bad field and its problem.
    /// </summary>
    public static CronFields? Parse(string text, out string? error)
    {
        if (text.Length == 0)
        {
            error = "the cron expression is empty; expected 5 fields (minute hour day-of-month month day-of-week) or a macro such as @daily";
            return null;
        }
        var expanded = text;
        if (text.StartsWith('@'))
        {
            if (!Macros.TryGetValue(text, out var macro))
            {
                error = $"unknown cron macro \"{text}\"; use one of @hourly, @daily, @midnight, @weekly, @monthly, @yearly, @annually";
                return null;
            }
            expanded = macro;
        }

        var fields = expanded.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length != 5)
        {
            error = $"expected 5 fields (minute hour day-of-month month day-of-week), got {fields.Length} in \"{text}\"";
            return null;
        }
        var masks = new ulong[5];
        var problems = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            if (ParseField(fields[i], i) is { } mask)
            {
                masks[i] = mask;
            }
            else
            {
                problems.Add($"{FieldNames[i]} field \"{fields[i]}\": {FieldError(fields[i], i)}");
            }
        }
        if (problems.Count > 0)
        {
            error = string.Join("; and ", problems);
            return null;
        }
        // Day-of-week 7 is Sunday.
        if ((masks[4] & (1UL << 7)) != 0)
        {
            masks[4] = (masks[4] & ~(1UL << 7)) | 1UL;
        }
        error = null;
        return new CronFields(masks[0], masks[1], masks[2], masks[3], masks[4], !fields[2].StartsWith('*') && !fields[4].StartsWith('*'));
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
