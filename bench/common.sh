# Shared by bench/run and bench/snapshots (sourced, not run): the deterministic test tree, its 1 % change
# set, and the Syncwarden binary to measure. Expects FILES, SIZE_MB, SEED, WORK, REPO_DIR, SW_BIN and the
# functions say and die to be set by the script that sources it.

# Sizes: about half of the bytes in many small files (1-64 KiB), about 30 % in files of
# 1-10 MiB and about 20 % in a few files of 20-50 MiB. Content is an AES-CTR keystream of
# a fixed key, i.e. incompressible, deterministic and produced at disk speed.

# prepare_tree: sets TREE, SPEC, MANIFEST and GENFILE, and generates the tree unless a matching one is there.
prepare_tree() {
    TREE=$WORK/tree-$FILES
    SPEC="files=$FILES size_mb=$SIZE_MB seed=$SEED layout=1"
    MANIFEST=$WORK/tree-$FILES.manifest
    GENFILE=$WORK/tree-$FILES.generation
    if [[ -d $TREE && -f $TREE.spec && -f $MANIFEST && "$(cat "$TREE.spec")" == "$SPEC" ]]; then
        say "reusing $TREE"
    else
        generate_tree
    fi
    [[ -f $GENFILE ]] || echo 0 >"$GENFILE"
}

make_plan() {
    # prints "relative/path size" lines, one per file, deterministic for (files, size, seed)
    perl -e '
        use strict; use warnings;
        my ($n, $mb, $seed) = @ARGV;
        my $state = ($seed % 2147483646) + 1;            # Park-Miller minimal standard PRNG
        sub rnd { $state = ($state * 16807) % 2147483647; return $state / 2147483647; }
        sub between { my ($lo, $hi) = @_; return $lo + int(rnd() * ($hi - $lo + 1)); }
        my $KiB = 1024; my $MiB = 1024 * $KiB;
        my $total = $mb * $MiB;
        my $big = int(0.20 * $total / (35 * $MiB));
        my $mid = int(0.30 * $total / (5.5 * $MiB));
        $big = $n - 1 if $big > $n - 1; $big = 0 if $big < 0;
        $mid = $n - 1 - $big if $mid > $n - 1 - $big; $mid = 0 if $mid < 0;
        my @size;
        my $used = 0;
        for (1 .. $big) { my $s = between(20 * $MiB, 50 * $MiB); push @size, $s; $used += $s; }
        for (1 .. $mid) { my $s = between(1 * $MiB, 10 * $MiB);  push @size, $s; $used += $s; }
        my $small = $n - $big - $mid;
        my $left = $total - $used; $left = $small * $KiB if $left < $small * $KiB;
        my $avg = $left / ($small || 1);
        my $hi = int(2 * $avg) - $KiB; $hi = 64 * $KiB if $hi > 64 * $KiB; $hi = $KiB if $hi < $KiB;
        for (1 .. $small) { push @size, between($KiB, $hi); }
        # shuffle so big and medium files are spread over the directories
        for (my $i = $#size; $i > 0; $i--) { my $j = int(rnd() * ($i + 1)); @size[$i, $j] = @size[$j, $i]; }
        for my $i (0 .. $#size) {
            printf "d%03d/s%02d/f%07d.bin %d\n", int($i / 1000), int($i / 100) % 10, $i, $size[$i];
        }
    ' "$FILES" "$SIZE_MB" "$SEED"
}

generate_tree() {
    say "generating $TREE ($FILES files, about $SIZE_MB MiB) ..."
    rm -rf "$TREE" "$TREE.tmp"
    mkdir -p "$TREE.tmp"
    make_plan >"$MANIFEST.tmp" || die "could not plan the tree"
    local total
    total=$(awk '{ t += $2 } END { printf "%d", t }' "$MANIFEST.tmp")
    local key iv
    key=$(printf '%032x' "$SEED"); iv=$(printf '%032x' $((SEED + 1)))
    head -c "$total" /dev/zero \
        | openssl enc -aes-128-ctr -nosalt -K "$key" -iv "$iv" 2>/dev/null \
        | perl -e '
            use strict; use warnings; use File::Path qw(make_path);
            my ($root, $manifest) = @ARGV;
            binmode STDIN;
            open my $m, "<", $manifest or die "manifest: $!";
            my %made;
            while (my $line = <$m>) {
                chomp $line;
                my ($rel, $size) = split / /, $line;
                (my $dir = "$root/$rel") =~ s{/[^/]+$}{};
                make_path($dir) unless $made{$dir}++;
                open my $out, ">:raw", "$root/$rel" or die "$rel: $!";
                my $left = $size;
                while ($left > 0) {
                    my $want = $left > 1048576 ? 1048576 : $left;
                    my $got = read(STDIN, my $buf, $want);
                    die "keystream ended early\n" unless $got;
                    print {$out} $buf or die "$rel: $!";
                    $left -= $got;
                }
                close $out or die "$rel: $!";
            }
        ' "$TREE.tmp" "$MANIFEST.tmp" || die "tree generation failed"
    mv "$MANIFEST.tmp" "$MANIFEST"
    mv "$TREE.tmp" "$TREE"
    printf '%s\n' "$SPEC" >"$TREE.spec"
    echo 0 >"$GENFILE"
    say "tree ready: $(awk '{ t += $2 } END { printf "%.0f MiB", t / 1048576 }' "$MANIFEST")"
}

# Change 1 % of the files (at least one): overwrite one 4 KiB block (or the whole file if it
# is smaller) at a deterministic offset with deterministic new bytes, and give the file a
# new whole-second mtime, so rsync's quick check (size + mtime) sees the change in every
# mode. Which files change depends only on (seed, repeat); the bytes depend on a generation
# counter kept next to the tree, so a reused tree never gets back its old content.
mutate_tree() {
    local repeat=$1 gen
    gen=$(( $(cat "$GENFILE") + 1 ))
    perl -e '
        use strict; use warnings;
        my ($root, $manifest, $seed, $repeat, $gen) = @ARGV;
        open my $m, "<", $manifest or die "manifest: $!";
        my @files = map { chomp; [split / /] } <$m>;
        my $state = (($seed * 7919 + $repeat * 104729) % 2147483646) + 1;
        sub rnd { $state = ($state * 16807) % 2147483647; return $state / 2147483647; }
        my $k = int(@files / 100); $k = 1 if $k < 1;
        my %pick;
        while (keys %pick < $k) { $pick{ int(rnd() * @files) } = 1; }
        my $bstate = (($seed + $gen * 48271) % 2147483646) + 1;
        my $mtime = 1600000000 + $gen * 10;
        for my $i (sort { $a <=> $b } keys %pick) {
            my ($rel, $size) = @{ $files[$i] };
            my $len = $size < 4096 ? $size : 4096;
            my $off = $size > $len ? int(rnd() * ($size - $len)) : 0;
            my $block = "";
            while (length($block) < $len) {
                $bstate = ($bstate * 48271) % 2147483647;
                $block .= pack("N", $bstate);
            }
            substr($block, $len) = "";
            open my $fh, "+<:raw", "$root/$rel" or die "$rel: $!";
            seek($fh, $off, 0) or die "$rel: $!";
            print {$fh} $block or die "$rel: $!";
            close $fh or die "$rel: $!";
            utime($mtime, $mtime, "$root/$rel") or die "$rel: $!";
        }
        print scalar(keys %pick), "\n";
    ' "$TREE" "$MANIFEST" "$SEED" "$repeat" "$gen" || die "could not change files"
    echo "$gen" >"$GENFILE"
}


# find_syncwarden: SW_BIN from --syncwarden, else the NativeAOT binary scripts/publish builds from this
# checkout. Sets SW_OK (1 usable, 0 not) and SW_WHY (the reason when not).
find_syncwarden() {
    SW_OK=1
    SW_WHY=""
    if [[ -n $SW_BIN ]]; then
        [[ -x $SW_BIN ]] || { SW_OK=0; SW_WHY="--syncwarden $SW_BIN is not executable"; }
        [[ $SW_OK -eq 1 ]] && SW_BIN=$(cd "$(dirname "$SW_BIN")" && pwd)/$(basename "$SW_BIN")
    else
        SW_BIN=$WORK/publish/syncwarden
        if command -v dotnet >/dev/null 2>&1; then
            say "publishing with scripts/publish (NativeAOT, linux-x64: the binary users get) ..."
            if ! "$REPO_DIR/scripts/publish" "$WORK/publish" >"$WORK/publish.log" 2>&1; then
                tail -n 30 "$WORK/publish.log" >&2
                SW_OK=0; SW_WHY="scripts/publish failed (see bench/work/publish.log)"
            fi
        else
            SW_OK=0; SW_WHY="dotnet not found; pass --syncwarden PATH"
        fi
        [[ $SW_OK -eq 1 && ! -x $SW_BIN ]] && { SW_OK=0; SW_WHY="publish produced no $SW_BIN"; }
    fi
    [[ $SW_OK -eq 1 ]] && say "syncwarden: $SW_BIN" || say "syncwarden unavailable: $SW_WHY (its rows will be MISS)"
}
