namespace Syncwarden.Rsync;

/// <summary>
/// Decides which user-supplied rsync options a job may carry. The engine builds rsync's command line
/// itself and parses rsync's output, so options that change the output format, switch rsync into another
/// mode, duplicate something the engine owns, or make a failed transfer unsafe are refused.
/// </summary>
public static class RsyncOptionPolicy
{
    private sealed record Rule(string Reason, string Hint);

    private static readonly Rule Output = new(
        "it changes rsync's output, which syncwarden parses",
        "syncwarden already records progress, statistics and itemized changes in the run log; remove the option");
    private static readonly Rule Mode = new(
        "it switches rsync into a different mode of operation",
        "remove the option; syncwarden runs rsync as a plain client");
    private static readonly Rule Unsafe = new(
        "it writes into the destination file in place, so an interrupted transfer would leave a truncated file under its final name",
        "remove the option; rsync's default (write to a temporary file, then rename) is what keeps replicas consistent");
    private static readonly Rule DeleteTiming = new(
        "syncwarden deletes after the transfer (--delete-delay) so an interrupted run never removes files it has not replaced",
        "use --delete; syncwarden adds the safe timing itself");

    private static readonly Dictionary<string, Rule> LongRules = new(StringComparer.Ordinal)
    {
        ["out-format"] = Output,
        ["log-format"] = Output,
        ["info"] = Output,
        ["debug"] = Output,
        ["verbose"] = Output,
        ["quiet"] = Output,
        ["human-readable"] = Output,
        ["progress"] = Output,
        ["itemize-changes"] = Output,
        ["stats"] = Output,
        ["8-bit-output"] = Output,
        ["list-only"] = Output,
        ["msgs2stderr"] = Output,
        ["stderr"] = Output,
        ["outbuf"] = Output,

        ["daemon"] = Mode,
        ["server"] = Mode,
        ["sender"] = Mode,
        ["config"] = Mode,
        ["help"] = Mode,
        ["version"] = Mode,
        ["dry-run"] = new("it makes rsync only pretend to transfer", "use `syncwarden plan <job>` to see what a run would change"),
        ["write-batch"] = Mode,
        ["only-write-batch"] = Mode,
        ["read-batch"] = Mode,

        ["rsh"] = new("syncwarden builds the ssh command itself", "put ssh settings in the host's ssh-options (and identity, port, known-hosts)"),
        ["partial-dir"] = new("syncwarden manages partial transfers itself", "remove the option"),
        ["temp-dir"] = new("syncwarden manages rsync's temporary files itself", "remove the option"),
        ["partial"] = new("syncwarden manages partial transfers itself", "remove the option"),
        ["bwlimit"] = new("syncwarden sets the bandwidth limit itself", "use the job's bandwidth: key (KiB/s)"),
        ["protect-args"] = new("syncwarden controls how arguments reach the remote side", "remove the option"),
        ["secluded-args"] = new("syncwarden controls how arguments reach the remote side", "remove the option"),
        ["no-protect-args"] = new("syncwarden controls how arguments reach the remote side", "remove the option"),
        ["no-secluded-args"] = new("syncwarden controls how arguments reach the remote side", "remove the option"),
        ["max-delete"] = new("syncwarden enforces the deletion cap itself", "use the job's max-delete: key (a count or a percentage)"),

        ["inplace"] = Unsafe,
        ["append"] = Unsafe,
        ["append-verify"] = Unsafe,
        ["keep-dirlinks"] = new(
            "it makes rsync follow symlinks to directories in the destination, which can write outside the destination tree",
            "remove the option"),
        ["delete-before"] = DeleteTiming,
        ["delete-during"] = DeleteTiming,
        ["del"] = DeleteTiming,
    };

    // Short letters that are refused, mapped to the long option whose rule applies.
    private static readonly Dictionary<char, string> ShortRules = new()
    {
        ['v'] = "verbose",
        ['q'] = "quiet",
        ['h'] = "human-readable",
        ['P'] = "progress",
        ['i'] = "itemize-changes",
        ['8'] = "8-bit-output",
        ['n'] = "dry-run",
        ['e'] = "rsh",
        ['T'] = "temp-dir",
        ['s'] = "protect-args",
        ['K'] = "keep-dirlinks",
    };

    // Short options that take a value: the rest of the bundle is that value, not more letters.
    private static readonly HashSet<char> ShortWithValue = ['e', 'B', 'T', 'f', 'M', '@'];

    /// <summary>
    /// Returns why <paramref name="option"/> is refused, or null when it is allowed.
    /// <paramref name="hint"/> then says what to do instead.
    /// </summary>
    public static string? Reject(string option, out string? hint)
    {
        hint = null;
        if (string.IsNullOrWhiteSpace(option))
        {
            hint = "remove the empty entry";
            return "an rsync option must not be empty";
        }
        if (option == "--" || !option.StartsWith('-') || option == "-")
        {
            hint = "write each option as one item, with its value joined by '=', e.g. --exclude=*.tmp; paths belong in syncs";
            return $"\"{option}\" is not an rsync option; rsync would take it as a path";
        }

        if (option.StartsWith("--", StringComparison.Ordinal))
        {
            var name = option[2..];
            var eq = name.IndexOf('=', StringComparison.Ordinal);
            if (eq >= 0)
            {
                name = name[..eq];
            }
            if (LongRules.TryGetValue(name, out var rule))
            {
                hint = rule.Hint;
                return $"rsync option \"{option}\" is not allowed: {rule.Reason}";
            }
            return null;
        }

        // "-av" is how nearly every rsync command line starts; a 'v' inside a bundle with other letters is
        // tolerated because the engine sets rsync's output format explicitly, which wins over plain verbosity.
        // "-v" and "-vv" on their own are refused like --verbose.
        var bundle = option.Length > 2 && option.AsSpan(1).ContainsAnyExcept('v');
        for (var i = 1; i < option.Length; i++)
        {
            var letter = option[i];
            if (bundle && letter == 'v')
            {
                continue;
            }
            if (ShortRules.TryGetValue(letter, out var longName))
            {
                var rule = LongRules[longName];
                hint = rule.Hint;
                var which = option.Length == 2 ? "" : $" contains -{letter} (--{longName}) and";
                return $"rsync option \"{option}\"{which} is not allowed: {rule.Reason}";
            }
            if (ShortWithValue.Contains(letter))
            {
                break;
            }
        }
        return null;
    }
}
