using System.Globalization;

namespace Syncwarden.Verification;

/// <summary>Which files a verification compares: a share of them, picked at random from a seed that is recorded.</summary>
public static class VerifySample
{
    /// <summary>Reads "5%", "0.5" or "100" as a percentage above 0 and at most 100.</summary>
    public static bool TryParsePercent(string? text, out double percent)
    {
        percent = 0;
        return text is not null
            && double.TryParse(text.Trim().TrimEnd('%'), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out percent)
            && percent > 0 && percent <= 100;
    }

    /// <summary>How many of <paramref name="count"/> files a sample of <paramref name="percent"/> takes: rounded up, at least one.</summary>
    public static int SizeOf(int count, double percent) =>
        count == 0 ? 0 : percent >= 100 ? count : Math.Clamp((int)Math.Ceiling(count * percent / 100), 1, count);

    /// <summary>
    /// <see cref="SizeOf"/> files of <paramref name="files"/>, each equally likely, in ordinal order (rsync reads the
    /// list faster sorted). The same files and seed give the same sample.
    /// </summary>
    public static IReadOnlyList<string> Pick(IReadOnlyList<string> files, double percent, Random random)
    {
        var size = SizeOf(files.Count, percent);
        var pool = files.ToArray();
        if (size < pool.Length)
        {
            // The first `size` places of a partial Fisher-Yates shuffle.
            for (var i = 0; i < size; i++)
            {
                var j = random.Next(i, pool.Length);
                (pool[i], pool[j]) = (pool[j], pool[i]);
            }
        }
        var sample = pool.AsSpan(0, size).ToArray();
        Array.Sort(sample, StringComparer.Ordinal);
        return sample;
    }
}
