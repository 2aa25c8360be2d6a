using System.Text;

namespace Syncwarden.Rsync;

/// rsync writes bytes it considers unprintable in names as "\#ooo" (three octal digits).
/// With LC_ALL=C that includes every byte of a multi-byte UTF-8 character ("café" is
/// printed as "caf\#303\#251"), so escapes are collected as bytes and decoded as UTF-8.
/// A literal "\#" in a name is itself escaped ("\#134#"), so every "\#ooo" is an escape.
internal static class RsyncEscapes
{
    public static string Unescape(string text)
    {
        if (!text.Contains("\\#", StringComparison.Ordinal))
        {
            return text;
        }

        var result = new StringBuilder(text.Length);
        var bytes = new List<byte>();
        var i = 0;
        while (i < text.Length)
        {
            if (IsEscapeAt(text, i))
            {
                bytes.Add((byte)(((text[i + 2] - '0') * 64) + ((text[i + 3] - '0') * 8) + (text[i + 4] - '0')));
                i += 5;
                continue;
            }

            FlushBytes(bytes, result);
            result.Append(text[i]);
            i++;
        }

        FlushBytes(bytes, result);
        return result.ToString();
    }

    private static bool IsEscapeAt(string text, int i) =>
        i + 4 < text.Length
        && text[i] == '\\'
        && text[i + 1] == '#'
        && text[i + 2] is >= '0' and <= '3'
        && text[i + 3] is >= '0' and <= '7'
        && text[i + 4] is >= '0' and <= '7';

    private static void FlushBytes(List<byte> bytes, StringBuilder result)
    {
        if (bytes.Count == 0)
        {
            return;
        }

        result.Append(Encoding.UTF8.GetString([.. bytes]));
        bytes.Clear();
    }
}
