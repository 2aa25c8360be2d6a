namespace Syncwarden.Snapshots;

/// <summary>
/// The few shell commands that manage a snapshot store, the same text on this host and on a remote host (over ssh,
/// <c>sh -c SCRIPT sh ARGS</c>). They are constants: paths and names only ever arrive as positional arguments.
/// Each starts in the store and touches only names of the snapshot form, the in-progress folder and <c>latest</c>;
/// <c>latest</c> is replaced atomically (a new symlink renamed over the old one).
/// Exit codes: 3 no store / cannot create it, 4 cannot clean the in-progress folder, 5 not a btrfs subvolume,
/// 6 nothing to finalise, 7 the name exists, 8 rename or snapshot failed, 9 latest not updated.
/// </summary>
internal static class SnapshotScripts
{
    /// <summary>Prints <c>latest TAB target</c>, then <c>dir TAB name</c> for every real folder. Run from the store.</summary>
    private const string ListBody = """
        printf 'latest\t%s\n' "$(readlink latest 2>/dev/null)"
        for e in * .syncwarden-incomplete; do
          if [ -d "$e" ] && [ ! -L "$e" ]; then printf 'dir\t%s\n' "$e"; fi
        done
        """;

    /// <summary>$1 store. A store that does not exist yet lists nothing.</summary>
    public const string List = "cd -- \"$1\" 2>/dev/null || exit 0\n" + ListBody;

    /// <summary>
    /// $1 destination. Creates it (never its parents: a missing parent is an unmounted disk), and empties a folder left
    /// by a killed run except its partial folder: files there may be hard links shared with older snapshots, and rsync
    /// would change their owner or mode in place.
    /// </summary>
    public const string PrepareLinkDest = """
        if [ ! -d "$1" ]; then mkdir -- "$1" || exit 3; fi
        cd -- "$1" || exit 3
        if [ -d .syncwarden-incomplete ] && [ ! -L .syncwarden-incomplete ]; then
          printf 'cleaned\t.syncwarden-incomplete\n'
          find .syncwarden-incomplete -mindepth 1 -maxdepth 1 ! -name .syncwarden-partial -exec rm -rf -- {} + || exit 4
        fi
        """ + "\n" + ListBody;

    /// <summary>$1 destination: must be the root of a btrfs subvolume (inode 256 on a btrfs filesystem).</summary>
    public const string PrepareBtrfs = """
        [ -d "$1" ] || exit 3
        [ "$(stat -f -c %T -- "$1")" = btrfs ] && [ "$(stat -c %i -- "$1")" = 256 ] || exit 5
        cd -- "$1/.syncwarden-snapshots" 2>/dev/null || exit 0
        """ + "\n" + ListBody;

    /// <summary>$1 destination, $2 new snapshot name: the in-progress folder becomes the snapshot, then latest names it.</summary>
    public const string FinalizeLinkDest = """
        cd -- "$1" || exit 3
        [ -d .syncwarden-incomplete ] || exit 6
        if [ -d .syncwarden-incomplete/.syncwarden-partial ] || [ -d .syncwarden-incomplete/.syncwarden-tmp ]; then
          # Empty leftovers of ours go, and the folder keeps the modification time rsync gave it.
          touch -r .syncwarden-incomplete .syncwarden-time
          rmdir .syncwarden-incomplete/.syncwarden-partial .syncwarden-incomplete/.syncwarden-tmp 2>/dev/null
          touch -r .syncwarden-time .syncwarden-incomplete
          rm -f .syncwarden-time
        fi
        [ ! -e "$2" ] || exit 7
        mv -T -- .syncwarden-incomplete "$2" || exit 8
        ln -sfn -- "$2" .syncwarden-latest.new && mv -Tf -- .syncwarden-latest.new latest || exit 9
        """;

    /// <summary>$1 destination subvolume, $2 new snapshot name: a read-only snapshot, then latest names it.</summary>
    public const string FinalizeBtrfs = """
        cd -- "$1" || exit 3
        mkdir -p .syncwarden-snapshots || exit 3
        [ ! -e ".syncwarden-snapshots/$2" ] || exit 7
        btrfs subvolume snapshot -r . ".syncwarden-snapshots/$2" >/dev/null || exit 8
        cd .syncwarden-snapshots || exit 9
        ln -sfn -- "$2" .syncwarden-latest.new && mv -Tf -- .syncwarden-latest.new latest || exit 9
        """;

    /// <summary>
    /// $1 store, $2 method (link-dest or btrfs), then the names to delete. Never the one latest names. Prints
    /// <c>deleted TAB name</c> for each one gone.
    /// </summary>
    public const string Delete = """
        cd -- "$1" || exit 3
        method=$2
        shift 2
        keep=$(readlink latest 2>/dev/null)
        st=0
        for n; do
          if [ "$n" = "$keep" ]; then echo "not deleting $n: latest names it" >&2; st=1; continue; fi
          if [ "$method" = btrfs ]; then btrfs subvolume delete "$n" >/dev/null; else rm -rf -- "$n"; fi
          if [ -e "$n" ]; then st=1; else printf 'deleted\t%s\n' "$n"; fi
        done
        exit $st
        """;
}
