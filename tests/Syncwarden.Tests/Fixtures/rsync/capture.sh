#!/usr/bin/env bash
# Re-creates the rsync output fixtures in this folder from the real local rsync.
#
#   bash tests/Syncwarden.Tests/Fixtures/rsync/capture.sh
#
# Everything happens under a FIXED work dir ($WORK below) because rsync prints
# absolute paths in its error messages; a fixed dir keeps the fixtures stable
# and lets the tests assert exact paths. The dir is wiped at start and at exit.
#
# Fixtures written (the tests assert values derived from the trees built here):
#   progress2.txt           stdout (raw, with \r) of a ~30 MB copy, --bwlimit so several updates appear
#   progress2-nochange.txt  the same command again: nothing to do
#   progress2-delete.txt    --delete-delay removes 3 extraneous files from dst
#   itemize.txt             dry run with --out-format='%i|%l|%n' (create/update/attrs/delete)
#   error23.txt             stderr, unreadable source files (chmod 000, run as nobody)  -> exit 23
#   error23-missing.txt     stderr, one source argument does not exist                  -> exit 23
#   error24.txt             stderr, files deleted from src while rsync is busy           -> exit 24
#   listonly-empty.txt      stdout of --list-only of an empty dir
#   listonly-nonempty.txt   stdout of --list-only of a dir with two files and a subdir
#   listonly-missing.txt    stderr of --list-only of a missing dir
#   *.exitcode              rsync's exit status for the capture of the same name
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
WORK="/tmp/syncwarden-rsync-fixtures"
# LC_ALL=C: the thousands separator (",") and decimal point (".") in rsync's
# numbers follow the locale; the engine runs rsync the same way.
export LC_ALL=C
# A fixed mtime makes --list-only output and "quick check" decisions deterministic.
STAMP="2024-01-02 03:04:05"

rm -rf "$WORK"
mkdir -p "$WORK"
chmod 755 "$WORK"
trap 'rm -rf "$WORK"' EXIT

# Writes <size> zero bytes to <path>.
mkfile() { mkdir -p "$(dirname "$2")"; head -c "$1" /dev/zero > "$2"; }

# Runs rsync, saving stdout/stderr to the given files and the exit code to <name>.exitcode.
capture() {
  local name="$1" out="$2" err="$3"; shift 3
  set +e
  rsync "$@" > "$out" 2> "$err"
  echo $? > "$HERE/$name.exitcode"
  set -e
}

echo "rsync: $(rsync --version | head -1)"

# ---------------------------------------------------------------- progress2
# src: 4 regular files + 1 nested dir with 1 file = 5 regular files, 2 dirs (incl. "."),
# total 10,000,000 + 12,000,000 + 8,000,000 + 1,234 + 100 = 30,001,334 bytes.
P="$WORK/progress"
mkfile 10000000 "$P/src/big1.bin"
mkfile 12000000 "$P/src/big2.bin"
mkfile 8000000  "$P/src/big3.bin"
mkfile 1234     "$P/src/small.txt"
mkfile 100      "$P/src/sub/nested.txt"
find "$P/src" -exec touch -h -d "$STAMP" {} +
mkdir -p "$P/dst"

cd "$P"
P2=(rsync -a -s --info=progress2 --stats --partial-dir=.syncwarden-partial)
"${P2[@]}" --bwlimit=10000 src/ dst/ > "$HERE/progress2.txt"
"${P2[@]}" src/ dst/ > "$HERE/progress2-nochange.txt"

# three extraneous files in dst (sizes 10, 20, 30) that --delete-delay removes
mkfile 10 dst/extra1.txt
mkfile 20 dst/extra2.txt
mkfile 30 dst/extra3.txt
"${P2[@]}" --delete-delay src/ dst/ > "$HERE/progress2-delete.txt"

# ---------------------------------------------------------------- itemize
# Creates:    new1.txt (111 B), newdir/ , newdir/inner.txt (222 B), "pipe|name.txt" (7 B),
#             "line<LF>break.txt" (5 B, rsync escapes the newline as \#012)
# Updates:    changed.txt (dst 50 B -> src 300 B, different mtime)
# Attributes: perm.txt (same size+mtime, mode 0600 in dst, 0644 in src)
# Unchanged:  same.txt (not listed)
# Deletes:    gone1.txt, gone2.txt, olddir/ and olddir/x.txt
I="$WORK/itemize"
mkfile 111 "$I/src/new1.txt"
mkfile 222 "$I/src/newdir/inner.txt"
mkfile 7   "$I/src/pipe|name.txt"
mkfile 5   "$I/src/line"$'\n'"break.txt"
mkfile 300 "$I/src/changed.txt"
mkfile 40  "$I/src/perm.txt"
mkfile 60  "$I/src/same.txt"
chmod 644 "$I/src/perm.txt"
mkfile 50  "$I/dst/changed.txt"
mkfile 40  "$I/dst/perm.txt"
mkfile 60  "$I/dst/same.txt"
mkfile 1   "$I/dst/gone1.txt"
mkfile 2   "$I/dst/gone2.txt"
mkfile 3   "$I/dst/olddir/x.txt"
chmod 600 "$I/dst/perm.txt"
find "$I/src" "$I/dst" -exec touch -h -d "$STAMP" {} +
touch -d "2024-02-03 04:05:06" "$I/src/changed.txt"
cd "$I"
capture itemize "$HERE/itemize.txt" "$WORK/itemize.err" \
  -a -s -n --delete-delay --out-format='%i|%l|%n' src/ dst/

# ---------------------------------------------------------------- error 23 (unreadable files)
# Root reads everything, so this part runs as "nobody" when the script runs as root.
# src: ok.txt (readable, 10 B), secret1.txt and secret2.txt (mode 000).
E="$WORK/err23"
mkdir -p "$E"
chmod 777 "$E"
as_user() {
  if [ "$(id -u)" = 0 ]; then
    setpriv --reuid=nobody --regid=nogroup --clear-groups -- "$@"
  else
    "$@"
  fi
}
as_user bash -c '
  set -e
  cd "$1"
  mkdir src dst
  head -c 10 /dev/zero > src/ok.txt
  head -c 20 /dev/zero > src/secret1.txt
  head -c 30 /dev/zero > src/secret2.txt
  chmod 000 src/secret1.txt src/secret2.txt
  set +e
  LC_ALL=C rsync -a -s src/ dst/ > stdout.txt 2> stderr.txt
  echo $? > rc.txt
' bash "$E"
cp "$E/stderr.txt" "$HERE/error23.txt"
cp "$E/rc.txt" "$HERE/error23.exitcode"

# ---------------------------------------------------------------- error 23 (missing source argument)
M="$WORK/missing"
mkfile 10 "$M/src/a.txt"
mkdir -p "$M/dst"
cd "$M"
capture error23-missing "$WORK/missing.out" "$HERE/error23-missing.txt" -a -s src/ missing/ dst/

# ---------------------------------------------------------------- error 24 (vanished files)
# The file list holds aaa-big.bin (4 MB, sent first: names are sorted) and zzz-000..zzz-049.
# --bwlimit=1000 makes the big file take ~4 s. A background loop waits until rsync has
# opened its temp file for aaa-big.bin in dst (so the file list is final) and then
# deletes every zzz-* from src; the sender later finds them gone -> "file has vanished".
V="$WORK/vanish"
mkfile 4000000 "$V/src/aaa-big.bin"
for i in $(seq -w 0 49); do mkfile 10 "$V/src/zzz-0$i.txt"; done
mkdir -p "$V/dst"
cd "$V"
(
  for _ in $(seq 1 500); do
    if compgen -G "dst/.aaa-big.bin.*" > /dev/null; then
      rm -f src/zzz-*
      exit 0
    fi
    sleep 0.01
  done
  echo "vanish helper: temp file never appeared" >&2
) &
helper=$!
capture error24 "$WORK/vanish.out" "$HERE/error24.txt" -a -s --bwlimit=1000 src/ dst/
wait "$helper"

# ---------------------------------------------------------------- list-only
L="$WORK/list"
mkdir -p "$L/empty" "$L/full/subdir"
mkfile 1234567 "$L/full/data.bin"
mkfile 42      "$L/full/notes.txt"
chmod 755 "$L/empty" "$L/full" "$L/full/subdir"
chmod 644 "$L/full/data.bin" "$L/full/notes.txt"
find "$L" -exec touch -h -d "$STAMP" {} +
cd "$L"
capture listonly-empty    "$HERE/listonly-empty.txt"    "$WORK/le.err" --list-only -s --dirs empty/
capture listonly-nonempty "$HERE/listonly-nonempty.txt" "$WORK/ln.err" --list-only -s --dirs full/
capture listonly-missing  "$WORK/lm.out" "$HERE/listonly-missing.txt"  --list-only -s --dirs missing/

echo "fixtures written to $HERE"
