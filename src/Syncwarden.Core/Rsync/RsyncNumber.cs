using System.Globalization;

namespace Syncwarden.Rsync;

/// Number helpers shared by the output parsers. rsync prints counts with a thousands
/// separator ("30,001,334") when --human-readable is at its default level 1; the
/// engine runs rsync with LC_ALL=C so the separator is always ','.
internal static class RsyncNumber
{
    public static bool TryParseLong(ReadOnlySpan<char> text, out long value)
    {
        value = 0;
        text = text.Trim();
        if (text.IsEmpty || text[0] == ',' || text[^1] == ',')
        {
            return false;
        }

        var sawDigit = false;
        foreach (var c in text)
        {
            if (c == ',')
            {
                continue;
            }

            if (c is < '0' or > '9')
            {
                return false;
            }

            sawDigit = true;
            if (value > (long.MaxValue - (c - '0')) / 10)
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        return sawDigit;
    }

    public static bool TryParseDouble(ReadOnlySpan<char> text, out double value) =>
        double.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out value);
}
