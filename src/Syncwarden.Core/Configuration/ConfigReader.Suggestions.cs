namespace Syncwarden.Configuration;

internal sealed partial class ConfigReader
{
    public static string SuggestKey(string unknown, IReadOnlyList<string> known) =>
        Nearest(unknown, known) is { } near
            ? $"did you mean '{near}'?"
            : $"keys allowed here: {string.Join(", ", known)}";

    /// <summary>The closest candidate by edit distance, when it is close enough to be a likely typo.</summary>
    public static string? Nearest(string word, IEnumerable<string> candidates)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var distance = EditDistance(word.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }
        var limit = Math.Max(2, word.Length / 3);
        if (bestDistance <= limit)
        {
            return best;
        }
        // Abbreviations such as "warn" for "warning" are too far apart by edit distance but obvious to a reader.
        return word.Length >= 3
            ? candidates.FirstOrDefault(c => c.StartsWith(word, StringComparison.OrdinalIgnoreCase))
            : null;
    }

    /// <summary>Levenshtein distance: insertions, deletions and substitutions each cost one.</summary>
    public static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j] + 1, current[j - 1] + 1));
            }
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
