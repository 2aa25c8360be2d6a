using System.Globalization;

namespace Syncwarden.Configuration;

/// <summary>
/// Parses durations as written in the configuration file: <c>90</c> (seconds), <c>90s</c>, <c>5m</c>,
/// <c>1h30m</c>, <c>2d</c>, <c>1w</c>, <c>500ms</c>. Parts go from the largest unit to the smallest, each unit at most once.
/// </summary>
public static class DurationParser
{
    public const string Examples = "90s, 5m, 1h30m, 2d, 1w or 500ms";

    // Ordered largest first; the order is also the order parts must appear in.
    private static readonly (string Suffix, long Milliseconds)[] Units =
    [
        ("w", 7L * 24 * 3600 * 1000),
        ("d", 24L * 3600 * 1000),
        ("h", 3600L * 1000),
        ("m", 60L * 1000),
        ("s", 1000L),
        ("ms", 1L),
    ];

    public static TimeSpan Parse(string text) =>
        TryParse(text, out var value, out var error) ? value : throw new FormatException(error);

    public static bool TryParse(string? text, out TimeSpan value, out string? error)
    {
        value = TimeSpan.Zero;
        error = null;
        var s = (text ?? "").Trim();
        if (s.Length == 0)
        {
            error = $"expected a duration such as {Examples}, got an empty value";
            return false;
        }

        // A bare whole number means seconds.
        if (s.All(char.IsAsciiDigit))
        {
            if (long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds <= (long)TimeSpan.MaxValue.TotalSeconds)
            {
                value = TimeSpan.FromSeconds(seconds);
                return true;
            }
            error = $"duration \"{s}\" is too large";
            return false;
        }

        long total = 0;
        var lastUnit = -1;
        var i = 0;
        while (i < s.Length)
        {
            while (i < s.Length && s[i] == ' ')
            {
                i++;
            }
            var start = i;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                i++;
            }
            if (start == i)
            {
                error = $"expected a duration such as {Examples}, got \"{s}\"";
                return false;
            }
            var digitsEnd = i;
            while (i < s.Length && s[i] == ' ')
            {
                i++;
            }
            var unitStart = i;
            while (i < s.Length && char.IsAsciiLetter(s[i]))
            {
                i++;
            }
            var suffix = s[unitStart..i];
            var unit = Array.FindIndex(Units, u => u.Suffix == suffix);
            if (unit < 0)
            {
                error = suffix.Length == 0
                    ? $"\"{s}\" has a number without a unit; expected a duration such as {Examples}"
                    : $"unknown duration unit \"{suffix}\" in \"{s}\"; units are ms, s, m, h, d and w";
                return false;
            }
            if (unit <= lastUnit)
            {
                error = $"duration \"{s}\" must list each unit once, largest first (like 1h30m)";
                return false;
            }
            lastUnit = unit;
            if (!long.TryParse(s[start..digitsEnd], NumberStyles.None, CultureInfo.InvariantCulture, out var amount))
            {
                error = $"duration \"{s}\" is too large";
                return false;
            }
            try
            {
                total = checked(total + checked(amount * Units[unit].Milliseconds));
            }
            catch (OverflowException)
            {
                error = $"duration \"{s}\" is too large";
                return false;
            }
        }

        if (total > (long)TimeSpan.MaxValue.TotalMilliseconds)
        {
            error = $"duration \"{s}\" is too large";
            return false;
        }
        value = TimeSpan.FromMilliseconds(total);
        return true;
    }

    /// <summary>
    /// The inverse of <see cref="Parse"/> for messages: the shortest form in the units the
    /// configuration uses ("6h", "1h30m", "45s", "500ms"), never .NET's "06:00:00".
    /// </summary>
    public static string Format(TimeSpan span)
    {
        if (span < TimeSpan.Zero)
        {
            return "-" + Format(span.Negate());
        }
        if (span < TimeSpan.FromSeconds(1))
        {
            return ((long)span.TotalMilliseconds).ToString(System.Globalization.CultureInfo.InvariantCulture) + "ms";
        }
        var text = new System.Text.StringBuilder();
        void Part(long value, string unit)
        {
            if (value > 0)
            {
                text.Append(value.ToString(System.Globalization.CultureInfo.InvariantCulture)).Append(unit);
            }
        }
        Part(span.Days, "d");
        Part(span.Hours, "h");
        Part(span.Minutes, "m");
        Part(span.Seconds, "s");
        return text.ToString();
    }
}
