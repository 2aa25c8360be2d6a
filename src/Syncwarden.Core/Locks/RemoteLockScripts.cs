using System.Text;

namespace Syncwarden.Locks;

/// <summary>
/// The POSIX sh scripts run on a lock's host over ssh (they need flock(1) from util-linux there), and their
/// one-line replies. Paths and contents travel back hex-encoded so no byte of a hostile name can break a line.
/// </summary>
internal static class RemoteLockScripts
{
    /// <summary>Shared by both scripts: the guard path and probe(), which sets st (free, held, present, stale) and c (first line).</summary>
    private const string Common = """
        g=/run/lock/syncwarden.guard
        [ -d /run/lock ] || g=/tmp/syncwarden.guard
        command -v flock >/dev/null 2>&1 || { echo 'SW-ERROR flock(1) from util-linux is not installed on this host'; exit 4; }
        hex() { printf '%s' "$1" | od -An -v -tx1 | tr -d ' \n'; }
        probe() {
          c=
          if [ ! -e "$1" ] && [ ! -L "$1" ]; then st=free; return; fi
          c=$(head -c 4096 -- "$1" 2>/dev/null | head -n 1)
          if ! flock -n -s "$1" true 2>/dev/null; then st=held; return; fi
          case $c in "syncwarden-lock kind=flock "*) st=stale ;; *) st=present ;; esac
        }
        """;

    /// <summary>
    /// $1 inner script, $2 holder line, $3 number of blocks-on patterns, then the patterns, then the locks.
    /// Under the guard: check every pattern and lock; if one blocks print SW-BLOCKED and exit 3 (the guard goes
    /// with the process). Otherwise exec a chain "flock -n lock1 flock -n lock2 ... sh -c INNER" so each lock
    /// is held by a process that lives exactly as long as the ssh session's stdin stays open.
    /// </summary>
    public const string Acquire = Common + """

        inner=$1 holder=$2 nb=$3
        shift 3
        exec 9>>"$g" || { echo "SW-ERROR cannot open the guard $g"; exit 4; }
        flock 9 || { echo "SW-ERROR cannot lock the guard $g"; exit 4; }
        IFS=
        i=0
        while [ "$i" -lt "$nb" ]; do
          i=$((i+1)); p=$1; shift
          for f in $p; do
            probe "$f"
            case $st in held|present) echo "SW-BLOCKED $st $(hex "$f") $(hex "$c")"; exit 3 ;; esac
          done
        done
        for f in "$@"; do
          probe "$f"
          [ "$st" = present ] && [ -z "$c" ] && st=stale
          case $st in
            held|present) echo "SW-BLOCKED $st $(hex "$f") $(hex "$c")"; exit 3 ;;
            stale) echo "SW-STALE stale $(hex "$f") $(hex "$c")" ;;
          esac
        done
        m=$#
        for f in "$@"; do
          mkdir -p -- "${f%/*}/" 2>/dev/null
          set -- "$@" flock -n -E 75 "$f"
        done
        set -- "$@" sh -c "$inner" sh "$holder"
        i=0
        for f in "$@"; do i=$((i+1)); [ "$i" -le "$m" ] && set -- "$@" "$f"; done
        shift "$m"
        exec "$@"
        """;

    /// <summary>Runs with every lock held and the guard still held (fd 9): $1 holder line, then the locks.</summary>
    public const string Hold = """
        holder=$1
        shift
        for f in "$@"; do printf '%s\n' "$holder" > "$f" || { echo 'SW-ERROR cannot write a lock file'; exit 4; }; done
        flock -u 9 || { echo 'SW-ERROR the guard descriptor was not inherited'; exit 4; }
        echo SW-READY
        IFS= read -r cmd
        if [ "$cmd" = release ]; then flock 9; rm -f -- "$@"; echo SW-RELEASED; fi
        """;

    /// <summary>$@ paths or patterns: prints SW-PROBE state hexpath hexcontent mtime now for each existing match, or state free.</summary>
    public const string List = Common + """

        IFS=
        now=$(date +%s)
        for p in "$@"; do
          n=0
          for f in $p; do
            probe "$f"
            [ "$st" = free ] && continue
            n=1
            echo "SW-PROBE $st $(hex "$f") $(hex "$c") $(stat -c %Y -- "$f" 2>/dev/null || echo 0) $now"
          done
          [ "$n" = 0 ] && echo "SW-PROBE free $(hex "$p") - 0 $now"
        done
        exit 0
        """;

    public static IReadOnlyList<string> AcquireArgs(string holder, IReadOnlyList<string> blocksOn, IReadOnlyList<string> locks) =>
        [Hold, holder.TrimEnd('\n'), blocksOn.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), .. blocksOn, .. locks];

    /// <summary>A reply line "SW-KIND field..." split into its words; null for anything else.</summary>
    public static string[]? ParseReply(string line) =>
        line.StartsWith("SW-", StringComparison.Ordinal) ? line.TrimEnd('\r').Split(' ') : null;

    public static LockFileState ParseState(string word) => word switch
    {
        "held" => LockFileState.Held,
        "present" => LockFileState.Present,
        "stale" => LockFileState.PresentNotHeld,
        _ => LockFileState.Free,
    };

    public static string Unhex(string hex)
    {
        if (hex == "-" || hex.Length % 2 != 0)
        {
            return "";
        }
        try
        {
            return Encoding.UTF8.GetString(Convert.FromHexString(hex));
        }
        catch (FormatException)
        {
            return "";
        }
    }
}
