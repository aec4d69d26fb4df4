#!/bin/sh
# Bad-input tests for the sono command-line program.
#
# usage: sh bad_input.sh SONO_BINARY DATA_DIR WORKDIR
#
# Every case runs sono on a bad input or a bad option and checks that
#   1. the exit status is exactly the expected one (2 for bad options and
#      usage, 1 for file and data errors),
#   2. stdout is empty and stderr is exactly one newline-terminated line,
#   3. that line starts "sono CMD: SUBJECT: " (SUBJECT is the file or the
#      option at fault, as given) and contains the offending value,
#   4. nothing new appears in the output directory (no output file, no
#      OUT.sono-XXXXXX temporary) and no temporary is left next to -o,
#   5. files that were there before are byte-identical afterwards (cmp).
# A case with -o is run twice: once with no file at the -o path, and once
# with a file already there, which must survive unchanged.
# Warning cases must succeed with exactly one warning line.
#
# Prints "PASS name", "FAIL name: why" or "SKIP name: why" per case, then
# "N passed, M failed"; exits 1 if any case failed, 2 if the tests could not
# be set up.  Bad files are generated here with printf and dd.
# SPDX-License-Identifier: GPL-3.0-or-later

if [ "$#" -ne 3 ]; then
    echo "usage: sh $0 SONO_BINARY DATA_DIR WORKDIR" >&2
    exit 2
fi
SONO=$1
DATA=$2
WORK=$3

LC_ALL=C
export LC_ALL

die() {
    echo "bad_input.sh: $*" >&2
    exit 2
}

abspath() {
    case $1 in
    /*) printf '%s\n' "$1" ;;
    *) printf '%s/%s\n' "$(pwd)" "$1" ;;
    esac
}

case $SONO in
*/*) SONO=$(abspath "$SONO") ;;
*) SONO=$(command -v "$SONO") || die "$1: not found" ;;
esac
[ -x "$SONO" ] || die "$SONO: not an executable"
[ -d "$DATA" ] || die "$DATA: not a directory"
DATA=$(abspath "$DATA")
for f in trumpet.ogg speech.ogg cat.wav robin.ogg; do
    [ -r "$DATA/$f" ] || die "$DATA/$f: missing"
done
[ -d "$WORK" ] || die "$WORK: not a directory"
WORK=$(abspath "$WORK")

T=$WORK/bad_input.$$
mkdir "$T" || die "cannot create $T"
I=$T/in         # inputs
O=$T/out        # the output directory, empty at the start of every case
B=$T/before     # copies of what was in $O before a run
mkdir "$I" "$O" || die "cannot create directories in $T"

# A time limit per run when timeout(1) is there, so that a hang fails.
TO=
if command -v timeout >/dev/null 2>&1; then
    TO="timeout 120"
fi

npass=0
nfail=0

# ---- binary file generation -------------------------------------------

# le16 N / le32 N: N as little-endian bytes.
# shellcheck disable=SC2059 # the format is the octal escapes made here
le16() {
    printf "$(printf '\\%03o\\%03o' $(($1 % 256)) $(($1 / 256 % 256)))"
}
# shellcheck disable=SC2059
le32() {
    printf "$(printf '\\%03o\\%03o\\%03o\\%03o' $(($1 % 256)) \
        $(($1 / 256 % 256)) $(($1 / 65536 % 256)) $(($1 / 16777216 % 256)))"
}

# zeros N: N zero bytes.
zeros() {
    if [ "$1" -gt 0 ]; then
        dd if=/dev/zero bs="$1" count=1 2>/dev/null
    fi
}

# wav_header FORMAT CHANNELS RATE BITS DATABYTES: a 44-byte RIFF/WAVE header
# (FORMAT 1 = integer PCM, 3 = IEEE float).
wav_header() {
    printf 'RIFF'
    le32 $((36 + $5))
    printf 'WAVEfmt '
    le32 16
    le16 "$1"
    le16 "$2"
    le32 "$3"
    le32 $(($3 * $2 * $4 / 8))
    le16 $(($2 * $4 / 8))
    le16 "$4"
    printf 'data'
    le32 "$5"
}

# npy_header DESCR SHAPE: a version 1.0 .npy header for a C-order array,
# padded to 64 bytes.
npy_header() {
    dict="{'descr': '$1', 'fortran_order': False, 'shape': ($2), }"
    len=$((10 + ${#dict} + 1))
    pad=$(((64 - len % 64) % 64))
    printf '\223NUMPY\001\000'
    le16 $((${#dict} + pad + 1))
    printf '%s' "$dict"
    if [ "$pad" -gt 0 ]; then
        printf "%${pad}s" ""
    fi
    printf '\n'
}

# Octal escapes, for printf "$NAN" (SC2059 is intended there).
NAN='\000\000\300\177' # float32 NaN, little-endian
INF='\000\000\200\177' # float32 +Inf
# shellcheck disable=SC2059

{
    # Not audio at all.
    mkdir "$I/adir"
    : >"$I/empty.wav"
    printf 'This is a text file, not a WAV file.\nSecond line.\n' >"$I/text.wav"
    printf 'RIFF' >"$I/riff.wav"
    # Headers that lie about the format.
    { wav_header 1 0 22050 16 2000; zeros 2000; } >"$I/ch0.wav"
    { wav_header 1 1 0 16 2000; zeros 2000; } >"$I/sr0.wav"
    { wav_header 1 1 22050 16 200000; zeros 1000; } >"$I/trunc.wav"
    # More channels than the limit of 1024 (libsndfile's too): one frame.
    { wav_header 1 2000 8000 16 4000; zeros 4000; } >"$I/ch2000.wav"
    { wav_header 1 65535 8000 8 65535; zeros 65536; } >"$I/ch65535.wav"
    # A FLAC whose STREAMINFO declares 2^35 samples (8 kHz, mono, 16-bit)
    # and holds none: more than the limit of 2^31.
    {
        printf 'fLaC\200\000\000\042\020\000\020\000'
        zeros 6
        printf '\001\364\000\370'
        zeros 20
    } >"$I/long.flac"
    # Float WAVs of 22050 samples at 22050 Hz, one bad sample at 10000.
    { wav_header 3 1 22050 32 88200; zeros 40000; printf "$NAN"; zeros 48196; } >"$I/nan.wav"
    { wav_header 3 1 22050 32 88200; zeros 40000; printf "$INF"; zeros 48196; } >"$I/inf.wav"
    # Valid files.
    { wav_header 3 1 22050 32 88200; zeros 88200; } >"$I/ok.wav"
    wav_header 3 1 22050 32 0 >"$I/zero.wav"
    { wav_header 3 1 22050 32 1200; zeros 1200; } >"$I/short300.wav"
    { wav_header 1 2 22050 16 4000; zeros 4000; } >"$I/stereo.wav"

    # .npy matrices: 257 bins (n_fft 512) x 10 frames.
    { npy_header '<c8' '257, 10'; zeros 20560; } >"$I/c.npy"
    { npy_header '<f4' '257, 10'; zeros 10280; } >"$I/f32.npy"
    { printf '\223NUMPX'; dd if="$I/c.npy" bs=6 skip=1 2>/dev/null; } >"$I/badmagic.npy"
    { npy_header '<c8' '1025, 100'; zeros 8200; } >"$I/lying.npy"
    { npy_header '<c8' '1, 10'; zeros 80; } >"$I/onerow.npy"
    { npy_header '<c8' '257, 10'; zeros 8000; printf "$NAN"; zeros 12556; } >"$I/cnan.npy"
    # Magnitudes, 257 x 10, with one bad value.
    { npy_header '<f4' '257, 10'; zeros 4000; printf "$NAN"; zeros 6276; } >"$I/fnan.npy"
    { npy_header '<f4' '257, 10'; zeros 4000; printf "$INF"; zeros 6276; } >"$I/finf.npy"
    { npy_header '<f4' '257, 10'; zeros 4000; printf '\000\000\200\277'; zeros 6276; } >"$I/fneg.npy"
    { npy_header '<f4' '257, 0'; } >"$I/fempty.npy"
    { npy_header '<f4' '2570'; zeros 10280; } >"$I/f1d.npy"
    # 257 x 8 frames whose DC bin is 1000+0j: the inverse is a constant
    # of about 1000 / 512, outside [-1, 1].
    {
        npy_header '<c8' '257, 8'
        i=0
        while [ "$i" -lt 8 ]; do
            printf '\000\000\172\104\000\000\000\000'
            i=$((i + 1))
        done
        zeros 16384
    } >"$I/loud.npy"
} || die "cannot generate the test inputs in $I"

# Sanity of the generator (file sizes).
size_is() {
    [ "$(wc -c <"$I/$1" | tr -d ' ')" -eq "$2" ] || die "generated $1 has the wrong size"
}
size_is ok.wav 88244
size_is nan.wav 88244
size_is ch0.wav 2044
size_is ch2000.wav 4044
size_is ch65535.wav 65580
size_is long.flac 42
size_is c.npy 20688
size_is loud.npy 16576
size_is badmagic.npy 20688

# ---- running and checking ----------------------------------------------

# Snapshot of the output directory: listing and copies of its files.
snapshot() {
    rm -rf "$B"
    mkdir "$B"
    (cd "$O" && find . -print | sort) >"$T/list.before"
    (cd "$O" && find . -type f -print) | while IFS= read -r f; do
        mkdir -p "$B/$(dirname "$f")"
        cp "$O/$f" "$B/$f"
    done
}

# invoke ARGS...: runs sono in $O; sets rc, leaves $T/stdout and $T/stderr.
invoke() {
    (cd "$O" && exec $TO "$SONO" "$@") >"$T/stdout" 2>"$T/stderr"
    rc=$?
}

# output_of ARGS...: the value of -o / --output / --output=, or empty.
output_of() {
    out=
    prev=
    for a in "$@"; do
        case $prev in
        -o | --output) out=$a ;;
        esac
        case $a in
        --output=*) out=${a#--output=} ;;
        esac
        prev=$a
    done
    printf '%s\n' "$out"
}

# one_line: stderr is exactly one newline-terminated line; sets line.
one_line() {
    nl=$(wc -l <"$T/stderr" | tr -d ' ')
    nr=$(awk 'END { print NR }' "$T/stderr")
    if [ "$nl" -ne 1 ] || [ "$nr" -ne 1 ]; then
        why="stderr has $nr lines, not 1: $(tr '\n' '|' <"$T/stderr")"
        return 1
    fi
    line=$(cat "$T/stderr")
    return 0
}

# has_prefix STRING PREFIX-ALTERNATIVES (separated by |)
has_prefix() {
    hp_s=$1
    hp_old=$IFS
    IFS='|'
    set -f
    for hp_p in $2; do
        case $hp_s in
        "$hp_p"*)
            IFS=$hp_old
            set +f
            return 0
            ;;
        esac
    done
    IFS=$hp_old
    set +f
    return 1
}

# contains_all STRING NEEDLES: STRING contains every needle of NEEDLES
# ("|"-separated), where a needle "a~b" is satisfied by a or by b; sets
# missing to the first one not found.
contains_all() {
    ca_s=$1
    ca_old=$IFS
    IFS='|'
    set -f
    missing=
    for ca_n in $2; do
        ca_found=
        IFS='~'
        for ca_alt in $ca_n; do
            case $ca_s in
            *"$ca_alt"*) ca_found=1 ;;
            esac
        done
        IFS='|'
        if [ -z "$ca_found" ] && [ -z "$missing" ]; then
            missing=$ca_n
        fi
    done
    IFS=$ca_old
    set +f
    [ -z "$missing" ]
}

# state_unchanged OUT: nothing was added to or removed from $O, its files are
# byte-identical to the snapshot, and no OUT.sono-* temporary exists.
state_unchanged() {
    (cd "$O" && find . -print | sort) >"$T/list.after"
    if ! cmp -s "$T/list.before" "$T/list.after"; then
        why="output directory changed: $(diff "$T/list.before" "$T/list.after" |
            grep '^[<>]' | tr '\n' ' ')"
        return 1
    fi
    for f in $(cd "$B" && find . -type f -print); do
        if ! cmp -s "$B/$f" "$O/$f"; then
            why="$f was modified"
            return 1
        fi
    done
    if [ -n "$1" ]; then
        for f in "$1".sono-*; do
            if [ -e "$f" ]; then
                why="temporary file left: $f"
                return 1
            fi
        done
    fi
    return 0
}

# check_failure RC CMD SUBJECTS NEEDLES OUT: the checks after one failing
# run; sets why and returns 1 on the first problem.
check_failure() {
    if [ "$rc" -ne "$1" ]; then
        why="exit status $rc, expected $1 (stderr: $(tr '\n' '|' <"$T/stderr"))"
        return 1
    fi
    if [ -s "$T/stdout" ]; then
        why="output on stdout: $(dd if="$T/stdout" bs=200 count=1 2>/dev/null | tr '\n' '|')"
        return 1
    fi
    one_line || return 1
    case $line in
    "sono $2: "*) ;;
    *)
        why="stderr does not start with 'sono $2: ': $line"
        return 1
        ;;
    esac
    if [ -n "$3" ]; then
        # "sono CMD: S1: |sono CMD: S2: " for the subject alternatives.
        pfx=$(printf '%s\n' "$3" | sed "s/[^|][^|]*/sono $2: &: /g")
        if ! has_prefix "$line" "$pfx"; then
            why="stderr does not name '$3' as the subject: $line"
            return 1
        fi
    fi
    if [ -n "$4" ] && ! contains_all "$line" "$4"; then
        why="stderr does not mention '$(printf '%s' "$missing" | sed "s/~/' or '/g")': $line"
        return 1
    fi
    state_unchanged "$5" || return 1
    return 0
}

pass() {
    npass=$((npass + 1))
    echo "PASS $1"
}
fail() {
    nfail=$((nfail + 1))
    echo "FAIL $1: $2"
}
skip() {
    echo "SKIP $1: $2"
}

# reset_out: an empty output directory for the next case.
reset_out() {
    chmod -R u+w "$O" 2>/dev/null
    rm -rf "$O"
    mkdir "$O" || die "cannot recreate $O"
}

# expect_fail NAME RC SUBJECTS NEEDLES ARGS...
# Runs "sono ARGS..." in $O and checks the failure.  SUBJECTS are the
# accepted subjects ("|"-separated; empty: none checked), NEEDLES the strings
# the line must contain ("|"-separated).  With -o, runs again with a file
# already at the -o path when its directory exists and is writable.  Files put in $O before
# the call must survive unchanged.  Leaves $O empty.
expect_fail() {
    ef_name=$1 ef_rc=$2 ef_subj=$3 ef_need=$4
    shift 4
    ef_cmd=$1
    ef_out=$(output_of "$@")
    case $ef_out in
    "" | /*) ef_abs=$ef_out ;;
    *) ef_abs=$O/$ef_out ;;
    esac
    why=
    snapshot
    invoke "$@"
    if ! check_failure "$ef_rc" "$ef_cmd" "$ef_subj" "$ef_need" "$ef_abs"; then
        fail "$ef_name" "$why"
        reset_out
        return
    fi
    if [ -n "$ef_abs" ] && [ ! -e "$ef_abs" ] && [ ! -L "$ef_abs" ] &&
        [ -d "$(dirname "$ef_abs")" ] && [ -w "$(dirname "$ef_abs")" ]; then
        printf 'precious output from an earlier run\n' >"$ef_abs" || die "cannot write $ef_abs"
        dd if=/dev/urandom bs=100 count=1 2>/dev/null >>"$ef_abs"
        snapshot
        invoke "$@"
        if ! check_failure "$ef_rc" "$ef_cmd" "$ef_subj" "$ef_need" "$ef_abs"; then
            fail "$ef_name" "(with an existing output file) $why"
            reset_out
            return
        fi
    fi
    pass "$ef_name"
    reset_out
}

# expect_warning NAME SUBJECT NEEDLES ARGS...: must succeed, write the -o
# file (a file 'sono info' reads) leaving no temporary, print nothing on
# stdout, and exactly one line on stderr, starting "sono CMD: " and
# containing "warning", SUBJECT and NEEDLES.
expect_warning() {
    ew_name=$1 ew_subj=$2 ew_need=$3
    shift 3
    ew_cmd=$1
    ew_out=$(output_of "$@")
    case $ew_out in
    /*) ew_out=${ew_out#"$O"/} ;;
    esac
    invoke "$@"
    why=
    if [ "$rc" -ne 0 ]; then
        why="exit status $rc, expected 0 (stderr: $(tr '\n' '|' <"$T/stderr"))"
    elif [ -s "$T/stdout" ]; then
        why="output on stdout: $(dd if="$T/stdout" bs=200 count=1 2>/dev/null | tr '\n' '|')"
    elif ! one_line; then
        :
    elif ! has_prefix "$line" "sono $ew_cmd: "; then
        why="stderr does not start with 'sono $ew_cmd: ': $line"
    elif ! contains_all "$line" "warning|$ew_subj|$ew_need"; then
        why="stderr does not mention '$missing': $line"
    elif [ ! -s "$O/$ew_out" ]; then
        why="no output file $ew_out"
    elif ! "$SONO" info "$O/$ew_out" >/dev/null 2>&1; then
        why="'sono info' cannot read the output $ew_out"
    else
        for f in "$O/$ew_out".sono-*; do
            if [ -e "$f" ]; then
                why="temporary file left: $f"
            fi
        done
    fi
    if [ -n "$why" ]; then
        fail "$ew_name" "$why"
    else
        pass "$ew_name"
    fi
    reset_out
}

# The reason a missing file or directory must be given in.
ENOENT="No such file or directory~does not exist~not found"

# ---- audio inputs, for every analysis command ---------------------------

for cmd in stft mel mfcc logfreq; do
    o=$O/out.npy
    expect_fail "$cmd: missing input file" 1 "$I/missing.wav" "$ENOENT" \
        $cmd "$I/missing.wav" -o "$o"
    expect_fail "$cmd: input is a directory" 1 "$I/adir" "" \
        $cmd "$I/adir" -o "$o"
    expect_fail "$cmd: empty (0-byte) file" 1 "$I/empty.wav" "" \
        $cmd "$I/empty.wav" -o "$o"
    expect_fail "$cmd: text file named .wav" 1 "$I/text.wav" "" \
        $cmd "$I/text.wav" -o "$o"
    expect_fail "$cmd: 'RIFF' alone (4 bytes)" 1 "$I/riff.wav" "" \
        $cmd "$I/riff.wav" -o "$o"
    expect_fail "$cmd: WAV declaring 0 channels" 1 "$I/ch0.wav" "" \
        $cmd "$I/ch0.wav" -o "$o"
    expect_fail "$cmd: WAV declaring 0 Hz" 1 "$I/sr0.wav" "" \
        $cmd "$I/sr0.wav" -o "$o"
    expect_fail "$cmd: WAV declaring 2000 channels" 1 "$I/ch2000.wav" \
        "2000 channels|limit of 1024" $cmd "$I/ch2000.wav" -o "$o"
    expect_fail "$cmd: FLAC declaring 2^35 samples" 1 "$I/long.flac" \
        "34359738368 samples|limit of 2147483648" $cmd "$I/long.flac" -o "$o"
    # As librosa (libsndfile), the samples that are there are used; unlike
    # librosa, the short file is reported.
    expect_warning "$cmd: truncated WAV (header claims 200000 data bytes, 1000 present)" \
        "$I/trunc.wav" "truncated" $cmd "$I/trunc.wav" -o "$o"
    expect_fail "$cmd: float WAV with a NaN sample" 1 "$I/nan.wav" "NaN" \
        $cmd "$I/nan.wav" -o "$o"
    expect_fail "$cmd: float WAV with a +Inf sample" 1 "$I/inf.wav" "infinite" \
        $cmd "$I/inf.wav" -o "$o"
    expect_fail "$cmd: valid WAV with 0 samples" 1 "$I/zero.wav" "no audio samples" \
        $cmd "$I/zero.wav" -o "$o"
    expect_fail "$cmd: 300 samples with --no-center and n_fft 2048" 1 \
        "$I/short300.wav" "300|--n-fft|2048" $cmd "$I/short300.wav" -o "$o" --no-center
    expect_fail "$cmd: --offset past the end" 1 "$DATA/cat.wav" "no audio samples" \
        $cmd "$DATA/cat.wav" -o "$o" --offset 1000
    expect_fail "$cmd: --duration 0" 1 "$I/ok.wav" "no audio samples" \
        $cmd "$I/ok.wav" -o "$o" --duration 0
done

# ---- options -------------------------------------------------------------

o=$O/out.npy
for v in 1 0 -8 99999999999 abc 1.5; do
    expect_fail "stft: --n-fft $v" 2 "--n-fft" "$v" stft "$I/ok.wav" -o "$o" --n-fft "$v"
done
expect_fail "stft: --n-fft=abc" 2 "--n-fft" "abc" stft "$I/ok.wav" -o "$o" --n-fft=abc
expect_fail "stft: --n-fft ''" 2 "--n-fft" "''" stft "$I/ok.wav" -o "$o" --n-fft ""
expect_fail "mel: --n-fft 1" 2 "--n-fft" "1" mel "$I/ok.wav" -o "$o" --n-fft 1
expect_fail "mfcc: --n-fft abc" 2 "--n-fft" "abc" mfcc "$I/ok.wav" -o "$o" --n-fft abc
for v in 0 -1; do
    expect_fail "stft: --hop $v" 2 "--hop" "$v" stft "$I/ok.wav" -o "$o" --hop "$v"
done
expect_fail "stft: --hop 3000 > n_fft 2048" 2 "--hop" "3000|2048" \
    stft "$I/ok.wav" -o "$o" --hop 3000
expect_fail "mel: --hop 3000 > n_fft 2048" 2 "--hop" "3000|2048" \
    mel "$I/ok.wav" -o "$o" --hop 3000
expect_fail "stft: --hop 600 > --win-length 512" 2 "--hop" "600|512" \
    stft "$I/ok.wav" -o "$o" --win-length 512 --hop 600
# librosa's feature functions hop 512 whatever the window: a shorter one asks for --hop.
expect_fail "mel: --n-fft 256, no --hop (512)" 2 "--n-fft" "256|512" \
    mel "$I/ok.wav" -o "$o" --n-fft 256
expect_fail "mfcc: --win-length 400, no --hop (512)" 2 "--win-length" "400|512" \
    mfcc "$I/ok.wav" -o "$o" --win-length 400
expect_fail "tempo: --n-fft 256, no --hop (512)" 2 "--n-fft" "256|512" \
    tempo "$I/ok.wav" --n-fft 256
expect_fail "stft: --win-length 4096 > n_fft 2048" 2 "--win-length" "4096|2048" \
    stft "$I/ok.wav" -o "$o" --win-length 4096
expect_fail "stft: --win-length 0" 2 "--win-length" "0" \
    stft "$I/ok.wav" -o "$o" --win-length 0
for cmd in mel mfcc; do
    expect_fail "$cmd: --n-mels 0" 2 "--n-mels" "0" $cmd "$I/ok.wav" -o "$o" --n-mels 0
    expect_fail "$cmd: --fmin 9000 --fmax 8000" 2 "--fmin|--fmax" "9000|8000" \
        $cmd "$I/ok.wav" -o "$o" --fmin 9000 --fmax 8000
    expect_fail "$cmd: --fmin 11025 on a 22050-Hz clip" 2 "--fmin" "11025" \
        $cmd "$I/ok.wav" -o "$o" --fmin 11025
    expect_fail "$cmd: --fmin -1" 2 "--fmin" "-1" $cmd "$I/ok.wav" -o "$o" --fmin -1
    expect_fail "$cmd: --fmax 0" 2 "--fmax" "0" $cmd "$I/ok.wav" -o "$o" --fmax 0
    expect_fail "$cmd: --mel-norm foo" 2 "--mel-norm" "foo" \
        $cmd "$I/ok.wav" -o "$o" --mel-norm foo
done
expect_fail "stft: --window foo" 2 "--window" "foo" stft "$I/ok.wav" -o "$o" --window foo
expect_fail "mfcc: --window foo" 2 "--window" "foo" mfcc "$I/ok.wav" -o "$o" --window foo
expect_fail "stft: --pad-mode wrap" 2 "--pad-mode" "wrap" \
    stft "$I/ok.wav" -o "$o" --pad-mode wrap
expect_fail "stft: --channel 5 on a stereo WAV" 2 "--channel" "5" \
    stft "$I/stereo.wav" -o "$o" --channel 5
expect_fail "mel: --channel 5 on stereo trumpet.ogg" 2 "--channel" "5" \
    mel "$DATA/trumpet.ogg" -o "$o" --channel 5
expect_fail "stft: --channel 1 on mono speech.ogg" 2 "--channel" "1" \
    stft "$DATA/speech.ogg" -o "$o" --channel 1
expect_fail "stft: --channel left" 2 "--channel" "left" \
    stft "$I/stereo.wav" -o "$o" --channel left
for v in 0 -1 nan inf; do
    expect_fail "stft: --sr $v" 2 "--sr" "$v" stft "$I/ok.wav" -o "$o" --sr "$v"
done
expect_fail "mfcc: --sr nan" 2 "--sr" "nan" mfcc "$I/ok.wav" -o "$o" --sr nan
expect_fail "stft: --offset -1" 2 "--offset" "-1" stft "$I/ok.wav" -o "$o" --offset -1
expect_fail "mel: --offset abc" 2 "--offset" "abc" mel "$I/ok.wav" -o "$o" --offset abc
expect_fail "stft: --duration nan" 2 "--duration" "nan" \
    stft "$I/ok.wav" -o "$o" --duration nan
expect_fail "stft: --duration -2" 2 "--duration" "-2" \
    stft "$I/ok.wav" -o "$o" --duration -2
expect_fail "mel: --power 3" 2 "--power" "3" mel "$I/ok.wav" -o "$o" --power 3
expect_fail "mel: --power 0" 2 "--power" "0" mel "$I/ok.wav" -o "$o" --power 0
expect_fail "mfcc: --n-mfcc 200 with 128 mels" 2 "--n-mfcc" "200|128" \
    mfcc "$I/ok.wav" -o "$o" --n-mfcc 200
expect_fail "mfcc: --n-mfcc 30 with --n-mels 20" 2 "--n-mfcc" "30|20" \
    mfcc "$I/ok.wav" -o "$o" --n-mels 20 --n-mfcc 30
expect_fail "mfcc: --n-mfcc 0" 2 "--n-mfcc" "0" mfcc "$I/ok.wav" -o "$o" --n-mfcc 0
expect_fail "mfcc: --lifter -1" 2 "--lifter" "-1" mfcc "$I/ok.wav" -o "$o" --lifter -1
for v in 0 -1 abc nan inf; do
    expect_fail "logfreq: --fmin $v" 2 "--fmin" "$v" logfreq "$I/ok.wav" -o "$o" --fmin "$v"
done
for v in 0 -5 abc; do
    expect_fail "logfreq: --fmax $v" 2 "--fmax" "$v" logfreq "$I/ok.wav" -o "$o" --fmax "$v"
done
expect_fail "logfreq: --fmax 11100 above sr/2 (22050-Hz clip)" 2 "--fmax" "11100|11025" \
    logfreq "$I/ok.wav" -o "$o" --fmax 11100
expect_fail "logfreq: --fmax 9000 above sr/2 of 16-kHz speech.ogg" 2 "--fmax" "9000|8000" \
    logfreq "$DATA/speech.ogg" -o "$o" --fmax 9000
expect_fail "logfreq: --fmin 9000 --fmax 8000" 2 "--fmin|--fmax" "9000|8000" \
    logfreq "$I/ok.wav" -o "$o" --fmin 9000 --fmax 8000
expect_fail "logfreq: --fmin 100 --fmax 100" 2 "--fmin|--fmax" "100" \
    logfreq "$I/ok.wav" -o "$o" --fmin 100 --fmax 100
expect_fail "logfreq: --fmin 11025 on a 22050-Hz clip" 2 "--fmin" "11025" \
    logfreq "$I/ok.wav" -o "$o" --fmin 11025
for v in 0 0.5 1201 -24 abc nan; do
    expect_fail "logfreq: --bins-per-octave $v" 2 "--bins-per-octave" "$v" \
        logfreq "$I/ok.wav" -o "$o" --bins-per-octave "$v"
done
expect_fail "logfreq: --fmin 1e-300 --bins-per-octave 1200 (too many bands)" 2 \
    "--bins-per-octave" "1200|100000" \
    logfreq "$I/ok.wav" -o "$o" --fmin 1e-300 --bins-per-octave 1200
expect_fail "logfreq: --power 3" 2 "--power" "3" logfreq "$I/ok.wav" -o "$o" --power 3
expect_fail "logfreq: --n-mels (a mel option)" 2 "--n-mels" "" \
    logfreq "$I/ok.wav" -o "$o" --n-mels 40
expect_fail "logfreq: --top-db without --db" 2 "--top-db" "" \
    logfreq "$I/ok.wav" -o "$o" --top-db 40
expect_fail "logfreq: --hop 3000 > n_fft 2048" 2 "--hop" "3000|2048" \
    logfreq "$I/ok.wav" -o "$o" --hop 3000
for cmd in stft mel mfcc logfreq; do
    expect_fail "$cmd: unknown option --frobnicate" 2 "--frobnicate" "" \
        $cmd "$I/ok.wav" -o "$o" --frobnicate
    expect_fail "$cmd: missing -o" 2 "-o|--output" "" $cmd "$I/ok.wav"
    expect_fail "$cmd: --n-fft without a value (last argument)" 2 "--n-fft" "" \
        $cmd "$I/ok.wav" -o "$o" --n-fft
    expect_fail "$cmd: two positional inputs" 2 "$I/stereo.wav" "$I/ok.wav" \
        $cmd "$I/ok.wav" "$I/stereo.wav" -o "$o"
    expect_fail "$cmd: no input at all" 2 "" "input" $cmd -o "$o"
done
expect_fail "stft: -o without a value (last argument)" 2 "-o" "" stft "$I/ok.wav" -o
expect_fail "stft: --ref without --db" 2 "--ref" "" stft "$I/ok.wav" -o "$o" --ref max
expect_fail "mel: --ref without --db" 2 "--ref" "" mel "$I/ok.wav" -o "$o" --ref 2
expect_fail "mel: --top-db without --db" 2 "--top-db" "" mel "$I/ok.wav" -o "$o" --top-db 40
expect_fail "mel: --db --ref -1" 2 "--ref" "-1" mel "$I/ok.wav" -o "$o" --db --ref -1
expect_fail "mel: --db --top-db abc" 2 "--top-db" "abc" \
    mel "$I/ok.wav" -o "$o" --db --top-db abc
expect_fail "stft: --magnitude with --power" 2 "--magnitude|--power|--db" "" \
    stft "$I/ok.wav" -o "$o" --magnitude --power

# ---- paths -----------------------------------------------------------------

# -o naming the input file, spelled in several ways ($O is the working
# directory of sono).
for spelling in "x.wav" "./x.wav" "$O/x.wav" "../out/x.wav"; do
    for cmd in stft mel mfcc; do
        cp "$I/ok.wav" "$O/x.wav"
        expect_fail "$cmd: -o $spelling is the input x.wav" 2 "-o|--output" "$spelling" \
            $cmd x.wav -o "$spelling"
    done
done
cp "$I/ok.wav" "$O/x.wav"
expect_fail "stft: input ./x.wav -o x.wav" 2 "-o|--output" "x.wav" stft ./x.wav -o x.wav
cp "$I/ok.wav" "$O/x.wav"
ln -s x.wav "$O/link.wav"
expect_fail "stft: -o is a symlink to the input" 2 "-o|--output" "link.wav" \
    stft x.wav -o link.wav
cp "$I/ok.wav" "$O/x.wav"
ln "$O/x.wav" "$O/hard.wav"
expect_fail "stft: -o is a hard link to the input" 2 "-o|--output" "hard.wav" \
    stft x.wav -o hard.wav
cp "$I/c.npy" "$O/c.npy"
expect_fail "istft: -o is the input" 2 "-o|--output" "c.npy" \
    istft c.npy -o ./c.npy --sr 22050

for cmd in stft mel mfcc logfreq; do
    expect_fail "$cmd: -o in a directory that does not exist" 1 "$O/nodir/out.npy" \
        "$ENOENT" $cmd "$I/ok.wav" -o "$O/nodir/out.npy"
done
expect_fail "istft: -o in a directory that does not exist" 1 "$O/nodir/out.wav" \
    "$ENOENT" istft "$I/c.npy" -o "$O/nodir/out.wav" --sr 22050
mkdir "$O/adir"
expect_fail "stft: -o is an existing directory" 1 "$O/adir" "" \
    stft "$I/ok.wav" -o "$O/adir"

# Read-only output directory.  root writes there anyway: skip honestly.
ro_case() {
    name=$1
    shift
    reset_out
    mkdir "$O/ro"
    chmod 555 "$O/ro"
    if (: >"$O/ro/.probe") 2>/dev/null; then
        rm -f "$O/ro/.probe"
        skip "$name" "a read-only directory is writable for this user (root?)"
        reset_out
        return
    fi
    expect_fail "$name" 1 "$O/ro/out.npy" "" "$@"
}
for cmd in stft mel mfcc; do
    ro_case "$cmd: -o in a read-only directory" $cmd "$I/ok.wav" -o "$O/ro/out.npy"
done
# ... and an existing output there, which must stay.
ro_existing_case() {
    name=$1
    shift
    reset_out
    mkdir "$O/ro"
    printf 'precious\n' >"$O/ro/out.npy"
    chmod 555 "$O/ro"
    if (: >"$O/ro/.probe") 2>/dev/null; then
        rm -f "$O/ro/.probe"
        skip "$name" "a read-only directory is writable for this user (root?)"
        reset_out
        return
    fi
    expect_fail "$name" 1 "$O/ro/out.npy" "" "$@"
}
ro_existing_case "stft: existing -o in a read-only directory" \
    stft "$I/ok.wav" -o "$O/ro/out.npy"

# ---- istft -----------------------------------------------------------------

w=$O/out.wav
expect_fail "istft: float32 .npy (not complex)" 1 "$I/f32.npy" "complex" \
    istft "$I/f32.npy" -o "$w" --sr 22050
expect_fail "istft: .npy with a wrong magic" 1 "$I/badmagic.npy" "" \
    istft "$I/badmagic.npy" -o "$w" --sr 22050
expect_fail "istft: .npy whose shape claims more data than present" 1 "$I/lying.npy" "" \
    istft "$I/lying.npy" -o "$w" --sr 22050
expect_fail "istft: missing .npy" 1 "$I/missing.npy" "$ENOENT" \
    istft "$I/missing.npy" -o "$w" --sr 22050
expect_fail "istft: .npy is a WAV file" 1 "$I/ok.wav" "" \
    istft "$I/ok.wav" -o "$w" --sr 22050
expect_fail "istft: empty .npy" 1 "$I/empty.wav" "" \
    istft "$I/empty.wav" -o "$w" --sr 22050
expect_fail "istft: complex .npy with a NaN" 1 "$I/cnan.npy" "NaN" \
    istft "$I/cnan.npy" -o "$w" --sr 22050
expect_fail "istft: 1-row .npy (no FFT size fits)" 1 "$I/onerow.npy" "1" \
    istft "$I/onerow.npy" -o "$w" --sr 22050
expect_fail "istft: missing --sr" 2 "--sr" "" istft "$I/c.npy" -o "$w"
expect_fail "istft: --sr 0" 2 "--sr" "0" istft "$I/c.npy" -o "$w" --sr 0
expect_fail "istft: --sr 22050.5" 2 "--sr" "22050.5" istft "$I/c.npy" -o "$w" --sr 22050.5
expect_fail "istft: 257 rows with --n-fft 2048" 2 "--n-fft" "257|2048" \
    istft "$I/c.npy" -o "$w" --sr 22050 --n-fft 2048
expect_fail "istft: --hop 600 > n_fft 512" 2 "--hop" "600|512" \
    istft "$I/c.npy" -o "$w" --sr 22050 --hop 600
expect_fail "istft: --length 0" 2 "--length" "0" \
    istft "$I/c.npy" -o "$w" --sr 22050 --length 0
expect_fail "istft: --pcm 20" 2 "--pcm" "20" istft "$I/c.npy" -o "$w" --sr 22050 --pcm 20
expect_fail "istft: --window foo" 2 "--window" "foo" \
    istft "$I/c.npy" -o "$w" --sr 22050 --window foo
expect_fail "istft: unknown option --frobnicate" 2 "--frobnicate" "" \
    istft "$I/c.npy" -o "$w" --sr 22050 --frobnicate
expect_fail "istft: missing -o" 2 "-o|--output" "" istft "$I/c.npy" --sr 22050
expect_fail "istft: --sr without a value (last argument)" 2 "--sr" "" \
    istft "$I/c.npy" -o "$w" --sr
expect_fail "istft: two positional inputs" 2 "$I/f32.npy" "$I/c.npy" \
    istft "$I/c.npy" "$I/f32.npy" -o "$w" --sr 22050

# ---- invert ------------------------------------------------------------------

w=$O/out.wav
expect_fail "invert: magnitude with a NaN" 1 "$I/fnan.npy" "NaN" \
    invert "$I/fnan.npy" -o "$w"
expect_fail "invert: magnitude with an infinity" 1 "$I/finf.npy" "infinite" \
    invert "$I/finf.npy" -o "$w"
expect_fail "invert: --from magnitude with a negative value" 1 "$I/fneg.npy" "-1" \
    invert "$I/fneg.npy" -o "$w" --from magnitude
expect_fail "invert: --from mel with a negative value" 1 "$I/fneg.npy" "-1" \
    invert "$I/fneg.npy" -o "$w" --from mel --n-mels 257
expect_fail "invert: empty matrix (257 x 0)" 1 "$I/fempty.npy" "no values" \
    invert "$I/fempty.npy" -o "$w"
expect_fail "invert: 1-D .npy" 1 "$I/f1d.npy" "1 dimensions" \
    invert "$I/f1d.npy" -o "$w"
expect_fail "invert: 257 rows with --n-fft 2048 (says which n_fft would fit)" 2 "--n-fft" "512" \
    invert "$I/f32.npy" -o "$w" --n-fft 2048 --from magnitude
expect_fail "invert: --iters -1" 2 "--iters" "-1" invert "$I/f32.npy" -o "$w" --iters -1
expect_fail "invert: --iters 10001" 2 "--iters" "10001" invert "$I/f32.npy" -o "$w" --iters 10001
expect_fail "invert: --iters 1e9" 2 "--iters" "1e9" invert "$I/f32.npy" -o "$w" --iters 1e9
expect_fail "invert: --momentum 2" 2 "--momentum" "2" \
    invert "$I/f32.npy" -o "$w" --method fgla --momentum 2
expect_fail "invert: --momentum -0.5" 2 "--momentum" "-0.5" \
    invert "$I/f32.npy" -o "$w" --method fgla --momentum -0.5
expect_fail "invert: --momentum nan" 2 "--momentum" "nan" \
    invert "$I/f32.npy" -o "$w" --method fgla --momentum nan
expect_fail "invert: --momentum with pghi+fgla" 2 "--momentum" "fgla" \
    invert "$I/f32.npy" -o "$w" --momentum 0.5
expect_fail "invert: --method foo" 2 "--method" "foo" invert "$I/f32.npy" -o "$w" --method foo
expect_fail "invert: --init foo" 2 "--init" "foo" invert "$I/f32.npy" -o "$w" --init foo
expect_fail "invert: --init with --method pghi" 2 "--init" "pghi" \
    invert "$I/f32.npy" -o "$w" --method pghi --init random
expect_fail "invert: --from foo" 2 "--from" "foo" invert "$I/f32.npy" -o "$w" --from foo
expect_fail "invert: --threads 0" 2 "--threads" "0" invert "$I/f32.npy" -o "$w" --threads 0
SONO_THREADS=many
export SONO_THREADS
expect_fail "invert: SONO_THREADS=many" 2 "SONO_THREADS" "many" invert "$I/f32.npy" -o "$w"
unset SONO_THREADS
expect_fail "invert: .npy with a wrong magic" 1 "$I/badmagic.npy" "" \
    invert "$I/badmagic.npy" -o "$w"
expect_fail "invert: missing .npy" 1 "$I/missing.npy" "$ENOENT" invert "$I/missing.npy" -o "$w"
expect_fail "invert: mfcc rows > --n-mels" 2 "$I/fneg.npy" "257" \
    invert "$I/fneg.npy" -o "$w" --from mfcc --n-mels 128

# ---- info --------------------------------------------------------------------

expect_fail "info: missing audio file" 1 "$I/missing.wav" "$ENOENT" info "$I/missing.wav"
expect_fail "info: missing .npy" 1 "$I/missing.npy" "$ENOENT" info "$I/missing.npy"
expect_fail "info: a directory" 1 "$I/adir" "" info "$I/adir"
expect_fail "info: empty (0-byte) file" 1 "$I/empty.wav" "" info "$I/empty.wav"
expect_fail "info: text file named .wav" 1 "$I/text.wav" "" info "$I/text.wav"
expect_fail "info: 'RIFF' alone" 1 "$I/riff.wav" "" info "$I/riff.wav"
expect_fail "info: WAV declaring 0 channels" 1 "$I/ch0.wav" "" info "$I/ch0.wav"
expect_fail "info: WAV declaring 0 Hz" 1 "$I/sr0.wav" "" info "$I/sr0.wav"
expect_fail "info: WAV declaring 2000 channels" 1 "$I/ch2000.wav" \
    "2000 channels|limit of 1024" info "$I/ch2000.wav"
expect_fail "info: WAV declaring 65535 channels" 1 "$I/ch65535.wav" \
    "65535 channels|limit of 1024" info "$I/ch65535.wav"
expect_fail "info: .npy with a wrong magic" 1 "$I/badmagic.npy" "" info "$I/badmagic.npy"
expect_fail "info: .npy whose shape claims more data" 1 "$I/lying.npy" "" info "$I/lying.npy"
expect_fail "info --json: corrupt file" 1 "$I/text.wav" "" info --json "$I/text.wav"
expect_fail "info: no file" 2 "" "file" info
expect_fail "info: two files" 2 "$I/text.wav" "$I/ok.wav" info "$I/ok.wav" "$I/text.wav"
expect_fail "info: unknown option --frobnicate" 2 "--frobnicate" "" \
    info "$I/ok.wav" --frobnicate

# ---- waveform and histogram ------------------------------------------------

p=$O/out.png
for cmd in waveform histogram; do
    expect_fail "$cmd: missing input file" 1 "$I/missing.wav" "$ENOENT" \
        $cmd "$I/missing.wav" -o "$p"
    expect_fail "$cmd: input is a directory" 1 "$I/adir" "" $cmd "$I/adir" -o "$p"
    expect_fail "$cmd: text file named .wav" 1 "$I/text.wav" "" $cmd "$I/text.wav" -o "$p"
    expect_fail "$cmd: WAV declaring 0 Hz" 1 "$I/sr0.wav" "" $cmd "$I/sr0.wav" -o "$p"
    expect_fail "$cmd: WAV declaring 65535 channels" 1 "$I/ch65535.wav" \
        "65535 channels|limit of 1024" $cmd "$I/ch65535.wav" -o "$p"
    expect_fail "$cmd: float WAV with a NaN sample" 1 "$I/nan.wav" "NaN" \
        $cmd "$I/nan.wav" -o "$p"
    expect_fail "$cmd: valid WAV with 0 samples" 1 "$I/zero.wav" "no audio samples" \
        $cmd "$I/zero.wav" -o "$p"
    expect_fail "$cmd: --offset past the end" 1 "$DATA/cat.wav" "no audio samples" \
        $cmd "$DATA/cat.wav" -o "$p" --offset 1000
    expect_fail "$cmd: --channel 5 on a stereo WAV" 2 "--channel" "5" \
        $cmd "$I/stereo.wav" -o "$p" --channel 5
    expect_fail "$cmd: unknown option --frobnicate" 2 "--frobnicate" "" \
        $cmd "$I/ok.wav" -o "$p" --frobnicate
    expect_fail "$cmd: missing -o" 2 "-o|--output" "" $cmd "$I/ok.wav"
    expect_fail "$cmd: no input at all" 2 "" "input" $cmd -o "$p"
    expect_fail "$cmd: -o in a directory that does not exist" 1 "$O/nodir/out.png" \
        "$ENOENT" $cmd "$I/ok.wav" -o "$O/nodir/out.png"
    cp "$I/ok.wav" "$O/x.wav"
    expect_fail "$cmd: -o is the input" 2 "-o|--output" "x.wav" $cmd x.wav -o ./x.wav
done
# An input without read permission.  root reads it anyway: skip honestly.
cp "$I/ok.wav" "$I/noread.wav"
chmod 000 "$I/noread.wav"
if (: <"$I/noread.wav") 2>/dev/null; then
    skip "waveform, histogram: unreadable input" "a mode-000 file is readable for this user (root?)"
else
    for cmd in waveform histogram; do
        expect_fail "$cmd: unreadable input (mode 000)" 1 "$I/noread.wav" "Permission denied" \
            $cmd "$I/noread.wav" -o "$p"
    done
fi
for v in 0x10 10x0 70000x10 abc 100000x100000 20000x20000 10x x10 -5x10 10x10x10 10X10 \
    " 10x10" 1.5x10 ""; do
    expect_fail "waveform: --size '$v'" 2 "--size" "'$v'" \
        waveform "$I/ok.wav" -o "$p" --size "$v"
done
expect_fail "waveform: --size without a value (last argument)" 2 "--size" "" \
    waveform "$I/ok.wav" -o "$p" --size
for opt in --frames --bins; do
    for v in 0 -1 70000 abc 1.5; do
        expect_fail "histogram: $opt $v" 2 "$opt" "$v" histogram "$I/ok.wav" -o "$p" $opt "$v"
    done
done
expect_fail "histogram: --frames 65535 --bins 65535 (more than 2^28 pixels)" 2 "--bins" \
    "65535|268435456" histogram "$I/ok.wav" -o "$p" --frames 65535 --bins 65535
expect_fail "histogram: --frames 1000 on 300 samples" 2 "--frames" "1000|300" \
    histogram "$I/short300.wav" -o "$p"
expect_fail "histogram: --frames 301 on 300 samples" 2 "--frames" "301|300" \
    histogram "$I/short300.wav" -o "$p" --frames 301
expect_fail "histogram: --frames 2000 --duration 0.01 of cat.wav (441 samples)" 2 \
    "--frames" "2000|441" histogram "$DATA/cat.wav" -o "$p" --duration 0.01 --frames 2000

# ---- render ------------------------------------------------------------------

p=$O/out.png
expect_fail "render: missing input file" 1 "$I/missing.wav" "$ENOENT" render "$I/missing.wav" -o "$p"
expect_fail "render: text file named .wav" 1 "$I/text.wav" "" render "$I/text.wav" -o "$p"
expect_fail "render: float WAV with a NaN sample" 1 "$I/nan.wav" "NaN" render "$I/nan.wav" -o "$p"
expect_fail "render: valid WAV with 0 samples" 1 "$I/zero.wav" "no audio samples" \
    render "$I/zero.wav" -o "$p"
expect_fail "render: --scale bark" 2 "--scale" "bark" render "$I/ok.wav" -o "$p" --scale bark
expect_fail "render: --cmap jet" 2 "--cmap" "jet" render "$I/ok.wav" -o "$p" --cmap jet
for v in 0x10 70000x10 abc 20000x20000; do
    expect_fail "render: --size '$v'" 2 "--size" "'$v'" render "$I/ok.wav" -o "$p" --size "$v"
done
for v in 0 -5 nan abc; do
    expect_fail "render: --top-db $v" 2 "--top-db" "$v" render "$I/ok.wav" -o "$p" --top-db "$v"
done
expect_fail "render: --bins-per-octave 0" 2 "--bins-per-octave" "0" \
    render "$I/ok.wav" -o "$p" --scale log --bins-per-octave 0
expect_fail "render: log --fmin 9000 --fmax 8000" 2 "--fmin" "9000" \
    render "$I/ok.wav" -o "$p" --scale log --fmin 9000 --fmax 8000
expect_fail "render: log --fmax 20000 above sr/2" 2 "--fmax" "20000" \
    render "$I/ok.wav" -o "$p" --scale log --fmax 20000
expect_fail "render: mel --fmin 9000 --fmax 8000" 2 "--fmin" "9000" \
    render "$I/ok.wav" -o "$p" --scale mel --fmin 9000 --fmax 8000
expect_fail "render: --fmin -1" 2 "--fmin" "-1" render "$I/ok.wav" -o "$p" --fmin -1
expect_fail "render: --phase without --lossless" 2 "--phase" "lossless" \
    render "$I/ok.wav" -o "$p" --phase
expect_fail "render: --phase with the mel scale" 2 "--phase" "mel" \
    render "$I/ok.wav" -o "$p" --lossless --phase --scale mel
expect_fail "render: --lossless with --axes" 2 "--axes" "lossless" \
    render "$I/ok.wav" -o "$p" --lossless --axes
expect_fail "render: --lossless with --size" 2 "--size" "lossless" \
    render "$I/ok.wav" -o "$p" --lossless --size 10x10
expect_fail "render: --from on an audio input" 2 "--from" "npy" \
    render "$I/ok.wav" -o "$p" --from db
expect_fail "render: --from foo" 2 "--from" "foo" render "$I/f32.npy" -o "$p" --from foo
expect_fail "render: --lossless --from db" 2 "--from" "db" \
    render "$I/f32.npy" -o "$p" --lossless --from db
expect_fail "render: .npy with a NaN" 1 "$I/fnan.npy" "NaN" render "$I/fnan.npy" -o "$p"
expect_fail "render: .npy with a negative magnitude" 1 "$I/fneg.npy" "-1" \
    render "$I/fneg.npy" -o "$p"
expect_fail "render: .npy rows do not fit --n-mels" 2 "$I/f32.npy" "257" \
    render "$I/f32.npy" -o "$p" --scale mel --n-mels 64
expect_fail "render: --phase on a real .npy" 2 "--phase" "complex" \
    render "$I/f32.npy" -o "$p" --lossless --phase
expect_fail "render: 1-D .npy" 1 "$I/f1d.npy" "2-D" render "$I/f1d.npy" -o "$p"
expect_fail "render: .npy with a wrong magic" 1 "$I/badmagic.npy" "" \
    render "$I/badmagic.npy" -o "$p"
expect_fail "render: more frames than one picture holds" 1 "$DATA/trumpet.ogg" "65535" \
    render "$DATA/trumpet.ogg" -o "$p" --n-fft 256 --hop 2
expect_fail "render: --layout spiral" 2 "--layout" "spiral" render "$I/ok.wav" -o "$p" --layout spiral
expect_fail "render: --layout with --lossless" 2 "--layout" "lossless" \
    render "$I/ok.wav" -o "$p" --layout timeline --lossless
expect_fail "render: --layout with --axes" 2 "--layout" "axes" \
    render "$I/ok.wav" -o "$p" --layout zorder --axes
expect_fail "render: --tiles 3" 2 "--tiles" "3" render "$I/ok.wav" -o "$p" --layout hilbert --tiles 3
expect_fail "render: --tiles without zorder or hilbert" 2 "--tiles" "zorder" \
    render "$I/ok.wav" -o "$p" --layout wrap --tiles 4
expect_fail "render: --beats-per-row with zorder" 2 "--beats-per-row" "wrap" \
    render "$I/ok.wav" -o "$p" --layout zorder --beats-per-row 4
expect_fail "render: --bpm 1e9" 2 "--bpm" "1e9" render "$I/ok.wav" -o "$p" --layout wrap --bpm 1e9
expect_fail "render: 44 frames for 256 tiles" 2 "$I/ok.wav" "256" \
    render "$I/ok.wav" -o "$p" --layout hilbert
expect_fail "render: --mode grey" 2 "--mode" "grey" render "$I/ok.wav" -o "$p" --mode grey
expect_fail "render: --mode colorgram with --cmap" 2 "--mode" "cmap" \
    render "$I/ok.wav" -o "$p" --mode colorgram --cmap gray
expect_fail "render: --mode colorgram with a .npy of dB" 2 "--mode" "linear" \
    render "$I/f32.npy" -o "$p" --mode colorgram --from db
expect_fail "render: --layout wrap with a .npy and no --bpm" 2 "--bpm" "npy" \
    render "$I/f32.npy" -o "$p" --layout wrap
expect_fail "render: unknown option --frobnicate" 2 "--frobnicate" "" \
    render "$I/ok.wav" -o "$p" --frobnicate
expect_fail "render: missing -o" 2 "-o|--output" "" render "$I/ok.wav"
cp "$I/ok.wav" "$O/x.wav"
expect_fail "render: -o is the input" 2 "-o|--output" "x.wav" render x.wav -o ./x.wav
"$SONO" render "$I/ok.wav" -o "$I/lossless.png" --lossless >/dev/null 2>&1 ||
    die "cannot render $I/lossless.png"
expect_fail "invert: a lossless image with --n-fft" 2 "--n-fft" "own" \
    invert "$I/lossless.png" -o "$O/out.wav" --n-fft 1024
expect_fail "invert: a lossless image with --sr" 2 "--sr" "own" \
    invert "$I/lossless.png" -o "$O/out.wav" --sr 8000

# ---- embed ---------------------------------------------------------------

# ok.wav has 44 frames with the defaults, stereo.wav 2 and short300.wav 1.
o=$O/out.npy
expect_fail "embed: --method foo" 2 "--method" "foo" embed "$I/ok.wav" -o "$o" --method foo
expect_fail "embed: no --method" 2 "--method" "pca|tsne" embed "$I/ok.wav" -o "$o"
for v in 0 3 abc; do
    expect_fail "embed: --dims $v" 2 "--dims" "$v" embed "$I/ok.wav" -o "$o" --method tsne --dims "$v"
done
for v in 0 -5 nan abc; do
    expect_fail "embed: --perplexity $v" 2 "--perplexity" "$v" \
        embed "$I/ok.wav" -o "$o" --method tsne --perplexity "$v"
done
expect_fail "embed: --perplexity 44, not below the 44 frames of ok.wav" 2 "--perplexity" "44" \
    embed "$I/ok.wav" -o "$o" --method tsne --perplexity 44
expect_fail "embed: --perplexity 1000 with 44 frames" 2 "--perplexity" "1000|44" \
    embed "$I/ok.wav" -o "$o" --method tsne --perplexity 1000
expect_fail "embed: --features foo" 2 "--features" "foo" \
    embed "$I/ok.wav" -o "$o" --method pca --features foo
expect_fail "embed: --iters 249 (t-SNE needs 250)" 2 "--iters" "249" \
    embed "$I/ok.wav" -o "$o" --method tsne --iters 249
expect_fail "embed: --threads 0" 2 "--threads" "0" embed "$I/ok.wav" -o "$o" --method tsne --threads 0
expect_fail "embed: --perplexity with --method pca" 2 "--perplexity" "tsne" \
    embed "$I/ok.wav" -o "$o" --method pca --perplexity 5
expect_fail "embed: --dims 2 with --n-mels 1 for PCA" 2 "--dims" "2|1" \
    embed "$I/ok.wav" -o "$o" --method pca --dims 2 --n-mels 1
for ext in txt wav npz; do
    expect_fail "embed: output named .$ext" 2 "$O/out.$ext" ".npy|.png" \
        embed "$I/ok.wav" -o "$O/out.$ext" --method pca
done
expect_fail "embed: 1 frame (300 samples)" 1 "$I/short300.wav" "1 frame" \
    embed "$I/short300.wav" -o "$o" --method pca
expect_fail "embed: 2 frames, t-SNE at the default perplexity 30" 1 "$I/stereo.wav" "2 frames|30" \
    embed "$I/stereo.wav" -o "$O/out.png" --method tsne
expect_fail "embed: missing input file" 1 "$I/missing.wav" "$ENOENT" \
    embed "$I/missing.wav" -o "$o" --method pca
expect_fail "embed: float WAV with a NaN sample" 1 "$I/nan.wav" "NaN" \
    embed "$I/nan.wav" -o "$o" --method pca
expect_fail "embed: unknown option --frobnicate" 2 "--frobnicate" "" \
    embed "$I/ok.wav" -o "$o" --method pca --frobnicate
expect_fail "embed: missing -o" 2 "-o|--output" "" embed "$I/ok.wav" --method pca

# ---- hostile pictures ------------------------------------------------------

# PNG and JPEG files from tests/hostile/images (written by
# tests/hostile/make_images.py; tests/test_image.c holds what the library
# must return for each): refused in one line naming the file, nothing
# written, an existing output untouched.  FILE:NEEDLE, the needle being what
# the line must say ("~" separates alternatives).
HI=$(cd "$(dirname "$0")/../hostile/images" 2>/dev/null && pwd) ||
    die "$(dirname "$0")/../hostile/images: missing"
CORRUPT="corrupt~truncated~unsupported"
BIG="too large"
for cmd in invert image2sound image-svd; do
    if ! "$SONO" $cmd --help >/dev/null 2>&1; then
        skip "$cmd: hostile pictures" "no '$cmd' command in this build"
        continue
    fi
    # image-svd writes a PNG and needs its rank.
    w=$O/out.wav
    extra=
    if [ "$cmd" = image-svd ]; then
        w=$O/out.png
        extra="--rank 5"
    fi
    for c in "png_width0.png:$CORRUPT" "png_height0.png:$CORRUPT" \
        "png_2147483647x2147483647.png:$BIG" "png_70000x10.png:$BIG" \
        "png_20000x20000.png:$BIG" "png_bomb_16000x16000.png:$CORRUPT" \
        "png_bomb_16384x16384_rgba16.png:$CORRUPT" "png_cut_4096x4096.png:$CORRUPT" \
        "png_ztxt_bomb.png:$CORRUPT" "png_chunk_len_7ffffff0.png:$CORRUPT" \
        "png_bad_crc_ihdr.png:$CORRUPT" "png_bad_crc_idat.png:$CORRUPT" \
        "png_palette_no_plte.png:$CORRUPT" "png_palette_depth16.png:$CORRUPT" \
        "png_truncated.png:$CORRUPT" "png_signature_only.png:$CORRUPT" \
        "jpeg_truncated.jpg:$CORRUPT" "jpeg_65500x65500.jpg:$BIG" \
        "jpeg_16000x16000_lying.jpg:$CORRUPT" "jpeg_4096x4096_lying.jpg:$CORRUPT" \
        "jpeg_huffman_oversubscribed.jpg:$CORRUPT" "jpeg_junk_after_soi.jpg:$CORRUPT" \
        "jpeg_cmyk.jpg:$CORRUPT"; do
        f=${c%%:*}
        expect_fail "$cmd: hostile picture $f" 1 "$HI/$f" "${c#*:}" $cmd "$HI/$f" -o "$w" $extra
    done
    # 0 bytes named .png: no signature to tell a picture from a .npy by.
    expect_fail "$cmd: hostile picture png_empty.png (0 bytes)" 1 "$HI/png_empty.png" "" \
        $cmd "$HI/png_empty.png" -o "$w" $extra
done
w=$O/out.wav
# Valid pictures that are not spectrograms sono made.
NOTSONO="not a lossless sono spectrogram"
expect_fail "invert: a plain PNG picture (RGBA)" 1 "$HI/ok_png_300x1.png" "$NOTSONO" \
    invert "$HI/ok_png_300x1.png" -o "$w"
expect_fail "invert: a 16-bit grey PNG without sono's text" 1 "$HI/ok_png_grey16.png" \
    "$NOTSONO" invert "$HI/ok_png_grey16.png" -o "$w"
expect_fail "invert: a JPEG photograph" 1 "$DATA/chelsea.jpg" "$NOTSONO" \
    invert "$DATA/chelsea.jpg" -o "$w"
expect_fail "invert: --from image on a plain PNG" 1 "$HI/ok_png_1x1.png" "$NOTSONO" \
    invert "$HI/ok_png_1x1.png" -o "$w" --from image

# ---- filter ------------------------------------------------------------------

w=$O/out.wav
expect_fail "filter: missing input file" 1 "$I/missing.wav" "$ENOENT" \
    filter "$I/missing.wav" -o "$w" --lowpass 1000
expect_fail "filter: text file named .wav" 1 "$I/text.wav" "" \
    filter "$I/text.wav" -o "$w" --lowpass 1000
# The output is open when the bad sample comes: its temporary must go.
expect_fail "filter: float WAV with a NaN sample" 1 "$I/nan.wav" "NaN" \
    filter "$I/nan.wav" -o "$w" --lowpass 1000
expect_fail "filter: valid WAV with 0 samples" 1 "$I/zero.wav" "no audio samples" \
    filter "$I/zero.wav" -o "$w" --lowpass 1000
expect_fail "filter: -o in a directory that does not exist" 1 "$O/nodir/out.wav" \
    "$ENOENT" filter "$I/ok.wav" -o "$O/nodir/out.wav" --lowpass 1000
cp "$I/ok.wav" "$O/x.wav"
expect_fail "filter: -o is the input" 2 "-o|--output" "x.wav" \
    filter x.wav -o ./x.wav --lowpass 1000
expect_fail "filter: no filter option" 2 "" "--lowpass|--highpass|--bandpass" \
    filter "$I/ok.wav" -o "$w"
expect_fail "filter: --lowpass and --highpass" 2 "--highpass" "--lowpass" \
    filter "$I/ok.wav" -o "$w" --lowpass 1000 --highpass 2000
expect_fail "filter: --bandpass and --lowpass" 2 "--lowpass" "--bandpass" \
    filter "$I/ok.wav" -o "$w" --bandpass 300 3400 --lowpass 1000
expect_fail "filter: --lowpass twice" 2 "--lowpass" "--lowpass" \
    filter "$I/ok.wav" -o "$w" --lowpass 1000 --lowpass 2000
expect_fail "filter: --bandpass 300 (one value, last argument)" 2 "--bandpass" \
    "two values|300" filter "$I/ok.wav" -o "$w" --bandpass 300
expect_fail "filter: --bandpass 300 -o OUT (one value)" 2 "--bandpass" "two values|300" \
    filter "$I/ok.wav" --bandpass 300 -o "$w"
expect_fail "filter: --bandpass=300 (one value)" 2 "--bandpass" "two values|300" \
    filter "$I/ok.wav" -o "$w" --bandpass=300
expect_fail "filter: --bandpass without values (last argument)" 2 "--bandpass" "two values" \
    filter "$I/ok.wav" -o "$w" --bandpass
expect_fail "filter: --bandpass 3400 300 (LOW > HIGH)" 2 "--bandpass" "3400|300" \
    filter "$I/ok.wav" -o "$w" --bandpass 3400 300
expect_fail "filter: --bandpass 300 300 (LOW = HIGH)" 2 "--bandpass" "300" \
    filter "$I/ok.wav" -o "$w" --bandpass 300 300
expect_fail "filter: --bandpass 300 11025 (HIGH = sr/2 of a 22050-Hz clip)" 2 "--bandpass" \
    "11025" filter "$I/ok.wav" -o "$w" --bandpass 300 11025
expect_fail "filter: --bandpass 300 30000 (HIGH above sr/2)" 2 "--bandpass" "30000|11025" \
    filter "$I/ok.wav" -o "$w" --bandpass 300 30000
expect_fail "filter: --bandpass 300 5000 --sr 8000 (HIGH above sr/2 after resampling)" 2 \
    "--bandpass" "5000|4000" filter "$I/ok.wav" -o "$w" --bandpass 300 5000 --sr 8000
expect_fail "filter: --lowpass 11025 (= sr/2 of a 22050-Hz clip)" 2 "--lowpass" "11025" \
    filter "$I/ok.wav" -o "$w" --lowpass 11025
expect_fail "filter: --highpass 9000 on 16-kHz speech.ogg" 2 "--highpass" "9000|8000" \
    filter "$DATA/speech.ogg" -o "$w" --highpass 9000
for v in -5 0 abc nan inf ""; do
    expect_fail "filter: --lowpass '$v'" 2 "--lowpass" "'$v'" \
        filter "$I/ok.wav" -o "$w" --lowpass "$v"
    expect_fail "filter: --highpass '$v'" 2 "--highpass" "'$v'" \
        filter "$I/ok.wav" -o "$w" --highpass "$v"
done
for v in -300 0 abc; do
    expect_fail "filter: --bandpass $v 3400" 2 "--bandpass" "'$v'" \
        filter "$I/ok.wav" -o "$w" --bandpass "$v" 3400
    expect_fail "filter: --bandpass 300 $v" 2 "--bandpass" "'$v'" \
        filter "$I/ok.wav" -o "$w" --bandpass 300 "$v"
done
for v in 0 11 -1 abc 2.5 ""; do
    expect_fail "filter: --order '$v'" 2 "--order" "'$v'" \
        filter "$I/ok.wav" -o "$w" --lowpass 1000 --order "$v"
done
# Designs whose b, a coefficients would be inaccurate in double (scipy's are
# unstable): poles crowded near 0 Hz, near sr/2, or in a narrow band.
expect_fail "filter: --lowpass 100 --order 10 (b, a inaccurate)" 2 "--lowpass" \
    "100|order 10|inaccurate~accurately" filter "$I/ok.wav" -o "$w" --lowpass 100 --order 10
expect_fail "filter: --highpass 11000 --order 8 (b, a inaccurate)" 2 "--highpass" \
    "11000|order 8|accurately" filter "$I/ok.wav" -o "$w" --highpass 11000 --order 8
expect_fail "filter: --bandpass 100 110 --order 4 (b, a inaccurate)" 2 "--bandpass" \
    "100|110|order 4|accurately" filter "$I/ok.wav" -o "$w" --bandpass 100 110 --order 4
expect_fail "filter: --pcm 20" 2 "--pcm" "20" \
    filter "$I/ok.wav" -o "$w" --lowpass 1000 --pcm 20
expect_fail "filter: --sr 22050.5" 2 "--sr" "22050.5" \
    filter "$I/ok.wav" -o "$w" --lowpass 1000 --sr 22050.5
expect_fail "filter: --channel 5 on a stereo WAV" 2 "--channel" "5" \
    filter "$I/stereo.wav" -o "$w" --lowpass 1000 --channel 5
expect_fail "filter: unknown option --frobnicate" 2 "--frobnicate" "" \
    filter "$I/ok.wav" -o "$w" --lowpass 1000 --frobnicate
expect_fail "filter: missing -o" 2 "-o|--output" "" filter "$I/ok.wav" --lowpass 1000
# A step of 1.0 overshoots through a low-pass: 16-bit PCM clips it.
{
    wav_header 3 1 22050 32 4000
    i=0
    while [ "$i" -lt 1000 ]; do
        printf '\000\000\200\077'
        i=$((i + 1))
    done
} >"$I/ones.wav" || die "cannot generate $I/ones.wav"
expect_warning "filter: overshoot clipped to 16-bit PCM warns" "out.wav" "clipped" \
    filter "$I/ones.wav" -o out.wav --lowpass 1000 --pcm 16

# ---- image-svd -----------------------------------------------------------------

p=$O/out.png
for v in 0 -1 abc 1.5 "" 65536 5x; do
    expect_fail "image-svd: --rank '$v'" 2 "--rank" "'$v'" \
        image-svd "$DATA/chelsea.jpg" -o "$p" --rank "$v"
done
expect_fail "image-svd: --rank without a value (last argument)" 2 "--rank" "needs a value" \
    image-svd "$DATA/chelsea.jpg" -o "$p" --rank
expect_fail "image-svd: no --rank" 2 "--rank" "no rank" image-svd "$DATA/chelsea.jpg" -o "$p"
expect_fail "image-svd: missing -o" 2 "-o|--output" "" image-svd "$DATA/chelsea.jpg" --rank 5
expect_fail "image-svd: -o named .jpg" 2 "$O/out.jpg" "PNG" \
    image-svd "$DATA/chelsea.jpg" -o "$O/out.jpg" --rank 5
expect_fail "image-svd: missing input file" 1 "$I/missing.png" "$ENOENT" \
    image-svd "$I/missing.png" -o "$p" --rank 5
expect_fail "image-svd: input is a directory" 1 "$I/adir" "" image-svd "$I/adir" -o "$p" --rank 5
expect_fail "image-svd: not a picture (a WAV)" 1 "$I/ok.wav" "$CORRUPT" \
    image-svd "$I/ok.wav" -o "$p" --rank 5
cp "$I/text.wav" "$I/text.png"
expect_fail "image-svd: text file named .png" 1 "$I/text.png" "$CORRUPT" \
    image-svd "$I/text.png" -o "$p" --rank 5
cp "$HI/ok_png_1x1.png" "$I/noread.png"
chmod 000 "$I/noread.png"
if (: <"$I/noread.png") 2>/dev/null; then
    skip "image-svd: unreadable picture" "a mode-000 file is readable for this user (root?)"
else
    expect_fail "image-svd: unreadable picture (mode 000)" 1 "$I/noread.png" \
        "Permission denied" image-svd "$I/noread.png" -o "$p" --rank 5
fi
expect_fail "image-svd: -o in a missing directory" 1 "$O/nodir/out.png" "does not exist" \
    image-svd "$DATA/chelsea.jpg" -o "$O/nodir/out.png" --rank 5
expect_fail "image-svd: unknown option --seed" 2 "--seed" "" \
    image-svd "$DATA/chelsea.jpg" -o "$p" --rank 5 --seed 1

# ---- transform -----------------------------------------------------------------

w=$O/out.wav
expect_fail "transform: no effect" 2 "transform" "effect" transform "$I/ok.wav" -o "$w"
expect_fail "transform: unknown effect after one" 2 "wobble" "unknown effect" \
    transform "$I/ok.wav" -o "$w" zero-phase wobble
expect_fail "transform: unknown word before any effect" 2 "wobble" "" \
    transform "$I/ok.wav" -o "$w" wobble
for v in 0 -1 abc 1.5; do
    expect_fail "transform: svd $v" 2 "svd" "$v" transform "$I/ok.wav" -o "$w" svd "$v"
    expect_fail "transform: svd-mag $v" 2 "svd-mag" "$v" transform "$I/ok.wav" -o "$w" svd-mag "$v"
done
expect_fail "transform: svd without a rank" 2 "svd" "RANK" transform "$I/ok.wav" -o "$w" svd
expect_fail "transform: svd followed by an effect, no rank" 2 "svd" "RANK" \
    transform "$I/ok.wav" -o "$w" svd zero-phase
expect_fail "transform: reorder without a method" 2 "reorder" "pca" transform "$I/ok.wav" -o "$w" reorder
expect_fail "transform: reorder umap" 2 "reorder" "umap" transform "$I/ok.wav" -o "$w" reorder umap
expect_fail "transform: reorder --features foo" 2 "--features" "foo" \
    transform "$I/ok.wav" -o "$w" reorder pca --features foo
expect_fail "transform: shuffle-time --seed abc" 2 "--seed" "abc" \
    transform "$I/ok.wav" -o "$w" shuffle-time --seed abc
expect_fail "transform: zero-phase --seed 1 (not its option)" 2 "zero-phase" "--seed" \
    transform "$I/ok.wav" -o "$w" zero-phase --seed 1
expect_fail "transform: grain-walk --dims 0" 2 "--dims" "0" \
    transform "$I/ok.wav" -o "$w" grain-walk --dims 0
expect_fail "transform: bandpass without values" 2 "bandpass" "LOW" transform "$I/ok.wav" -o "$w" bandpass
expect_fail "transform: bandpass with one value" 2 "bandpass" "HIGH" \
    transform "$I/ok.wav" -o "$w" bandpass 300
expect_fail "transform: bandpass 3000 300 (LOW >= HIGH)" 2 "bandpass" "3000" \
    transform "$I/ok.wav" -o "$w" bandpass 3000 300
expect_fail "transform: bandpass 300 300" 2 "bandpass" "300" transform "$I/ok.wav" -o "$w" bandpass 300 300
expect_fail "transform: bandpass 300 20000 (HIGH >= sr/2 of a 22050-Hz clip)" 2 "bandpass" "20000" \
    transform "$I/ok.wav" -o "$w" bandpass 300 20000
expect_fail "transform: bandpass --order 0" 2 "--order" "0" \
    transform "$I/ok.wav" -o "$w" bandpass 300 3000 --order 0
expect_fail "transform: missing input file" 1 "$I/missing.wav" "$ENOENT" \
    transform "$I/missing.wav" -o "$w" zero-phase
expect_fail "transform: text file named .wav" 1 "$I/text.wav" "" transform "$I/text.wav" -o "$w" zero-phase
expect_fail "transform: missing -o" 2 "-o|--output" "" transform "$I/ok.wav" zero-phase

# ---- features and --weighting ---------------------------------------------------

o=$O/out.npy
# The input errors of the analysis commands, through each of the three paths:
# STFT frames (centroid), spooled mel frames (onset), the signal's own frames
# (rms, zcr).
for k in centroid onset rms zcr; do
    expect_fail "features --kind $k: missing input file" 1 "$I/missing.wav" "$ENOENT" \
        features "$I/missing.wav" -o "$o" --kind $k
    expect_fail "features --kind $k: text file named .wav" 1 "$I/text.wav" "" \
        features "$I/text.wav" -o "$o" --kind $k
    expect_fail "features --kind $k: float WAV with a NaN sample" 1 "$I/nan.wav" "NaN" \
        features "$I/nan.wav" -o "$o" --kind $k
    expect_fail "features --kind $k: float WAV with a +Inf sample" 1 "$I/inf.wav" "infinite" \
        features "$I/inf.wav" -o "$o" --kind $k
    expect_fail "features --kind $k: valid WAV with 0 samples" 1 "$I/zero.wav" "no audio samples" \
        features "$I/zero.wav" -o "$o" --kind $k
    expect_fail "features --kind $k: --duration 0" 1 "$I/ok.wav" "no audio samples" \
        features "$I/ok.wav" -o "$o" --kind $k --duration 0
    expect_fail "features --kind $k: output directory missing" 1 "$I/nodir/out.npy" "$ENOENT" \
        features "$I/ok.wav" -o "$I/nodir/out.npy" --kind $k
done
for k in centroid rms zcr; do
    expect_fail "features --kind $k: 300 samples with --no-center and n_fft 2048" 1 \
        "$I/short300.wav" "300|--n-fft|2048" features "$I/short300.wav" -o "$o" --kind $k --no-center
done
expect_fail "features: no --kind" 2 "--kind" "" features "$I/ok.wav" -o "$o"
for v in spectrum Centroid "" mfcc; do
    expect_fail "features: --kind '$v'" 2 "--kind" "'$v'" features "$I/ok.wav" -o "$o" --kind "$v"
done
expect_fail "features: --kind without a value" 2 "--kind" "value" features "$I/ok.wav" -o "$o" --kind
expect_fail "features: no input" 2 "" "input" features -o "$o" --kind rms
expect_fail "features: no -o" 2 "-o" "" features "$I/ok.wav" --kind rms
for v in 0 1 1.5 -0.1 abc nan 0.85x; do
    expect_fail "features: --roll-percent $v" 2 "--roll-percent" "$v" \
        features "$I/ok.wav" -o "$o" --kind rolloff --roll-percent "$v"
done
expect_fail "features: --roll-percent with --kind centroid" 2 "--roll-percent" "rolloff" \
    features "$I/ok.wav" -o "$o" --kind centroid --roll-percent 0.5
for v in 0 -1 abc 65537; do
    expect_fail "features: --lag $v" 2 "--lag" "$v" features "$I/ok.wav" -o "$o" --kind onset --lag "$v"
    expect_fail "features: --max-size $v" 2 "--max-size" "$v" \
        features "$I/ok.wav" -o "$o" --kind onset --max-size "$v"
done
expect_fail "features: --lag with --kind rms" 2 "--lag" "onset" \
    features "$I/ok.wav" -o "$o" --kind rms --lag 2
expect_fail "features: --max-size=3 with --kind flatness" 2 "--max-size" "onset" \
    features "$I/ok.wav" -o "$o" --kind flatness --max-size=3
expect_fail "features: --n-mels with --kind centroid" 2 "--n-mels" "onset" \
    features "$I/ok.wav" -o "$o" --kind centroid --n-mels 64
expect_fail "features: --htk with --kind zcr" 2 "--htk" "onset" \
    features "$I/ok.wav" -o "$o" --kind zcr --htk
expect_fail "features: --window with --kind rms" 2 "--window" "rms" \
    features "$I/ok.wav" -o "$o" --kind rms --window hamming
expect_fail "features: --win-length with --kind zcr" 2 "--win-length" "zcr" \
    features "$I/ok.wav" -o "$o" --kind zcr --win-length 1024
expect_fail "features: --pad-mode with --kind zcr" 2 "--pad-mode" "zcr|edge" \
    features "$I/ok.wav" -o "$o" --kind zcr --pad-mode reflect
expect_fail "features: --n-fft 256 under the default hop 512" 2 "--n-fft" "256|512|--hop" \
    features "$I/ok.wav" -o "$o" --kind centroid --n-fft 256
expect_fail "features: --win-length 300 under the default hop 512" 2 "--win-length" "300|512" \
    features "$I/ok.wav" -o "$o" --kind onset --win-length 300
expect_fail "features: --hop 3000 > n_fft 2048" 2 "--hop" "3000|2048" \
    features "$I/ok.wav" -o "$o" --kind bandwidth --hop 3000
expect_fail "features: --n-fft 1 (rms)" 2 "--n-fft" "1" features "$I/ok.wav" -o "$o" --kind rms --n-fft 1
expect_fail "features: --hop 0 (zcr)" 2 "--hop" "0" features "$I/ok.wav" -o "$o" --kind zcr --hop 0
expect_fail "features: onset --fmin 9000 --fmax 8000" 2 "--fmin" "9000|8000" \
    features "$I/ok.wav" -o "$o" --kind onset --fmin 9000 --fmax 8000
expect_fail "features: --pad-mode mirror" 2 "--pad-mode" "mirror" \
    features "$I/ok.wav" -o "$o" --kind rms --pad-mode mirror
expect_fail "features: --channel 5 on stereo" 2 "--channel" "5" \
    features "$I/stereo.wav" -o "$o" --kind rms --channel 5
expect_fail "features: unknown option --power" 2 "--power" "unknown" \
    features "$I/ok.wav" -o "$o" --kind flatness --power 2
expect_fail "mel: --weighting without --db" 2 "--weighting" "--db" \
    mel "$I/ok.wav" -o "$o" --weighting a
for v in b A c none ""; do
    expect_fail "mel: --db --weighting '$v'" 2 "--weighting" "'$v'" \
        mel "$I/ok.wav" -o "$o" --db --weighting "$v"
done
expect_fail "mfcc: --weighting (a mel option only)" 2 "--weighting" "unknown" \
    mfcc "$I/ok.wav" -o "$o" --weighting a
p=$O/out.png
expect_fail "render: --weighting a --scale linear" 2 "--weighting" "mel" \
    render "$I/ok.wav" -o "$p" --weighting a
expect_fail "render: --weighting a --scale log" 2 "--weighting" "mel" \
    render "$I/ok.wav" -o "$p" --scale log --weighting a
expect_fail "render: --weighting a --lossless" 2 "--weighting" "lossless" \
    render "$I/ok.wav" -o "$p" --scale mel --weighting a --lossless
expect_fail "render: --weighting z" 2 "--weighting" "z" \
    render "$I/ok.wav" -o "$p" --scale mel --weighting z
# ---- cqt, icqt and render --scale cqt --------------------------------------

{
    # One sample at 22050 Hz; CQT matrices of 84 bins (complex 10 frames, one
    # frame, a NaN; float 10 frames).
    { wav_header 3 1 22050 32 4; zeros 4; } >"$I/one.wav"
    { npy_header '<c8' '84, 10'; zeros 6720; } >"$I/cqt.npy"
    { npy_header '<c8' '84, 1'; zeros 672; } >"$I/cqt1.npy"
    { npy_header '<c8' '84, 10'; zeros 4000; printf "$NAN"; zeros 2716; } >"$I/cqtnan.npy"
    { npy_header '<f4' '84, 10'; zeros 3360; } >"$I/cqtmag.npy"
} || die "cannot generate the CQT inputs in $I"
size_is cqt.npy 6848
size_is cqtnan.npy 6848

o=$O/out.npy
w=$O/out.wav
p=$O/out.png
expect_fail "cqt: missing input file" 1 "$I/missing.wav" "$ENOENT" cqt "$I/missing.wav" -o "$o"
expect_fail "cqt: input is a directory" 1 "$I/adir" "" cqt "$I/adir" -o "$o"
expect_fail "cqt: text file named .wav" 1 "$I/text.wav" "" cqt "$I/text.wav" -o "$o"
expect_fail "cqt: float WAV with a NaN sample" 1 "$I/nan.wav" "NaN" cqt "$I/nan.wav" -o "$o"
expect_fail "cqt: valid WAV with 0 samples" 1 "$I/zero.wav" "no audio samples" \
    cqt "$I/zero.wav" -o "$o"
expect_fail "cqt: --offset past the end" 1 "$DATA/cat.wav" "no audio samples" \
    cqt "$DATA/cat.wav" -o "$o" --offset 1000
# As librosa: 12 bins from C1 at 22050 Hz downsample by 64 first, and a
# shorter signal is refused.
expect_fail "cqt: 1 sample, fewer than the early downsampling by 64" 1 "$I/one.wav" "1 sample|64" \
    cqt "$I/one.wav" -o "$o" --bins 12
for v in 0 -1 abc 65537; do
    expect_fail "cqt: --bins $v" 2 "--bins" "$v" cqt "$I/ok.wav" -o "$o" --bins "$v"
done
for v in 0 abc 1.5; do
    expect_fail "cqt: --bins-per-octave $v" 2 "--bins-per-octave" "$v" \
        cqt "$I/ok.wav" -o "$o" --bins-per-octave "$v"
done
for v in 0 -1 abc nan inf; do
    expect_fail "cqt: --fmin $v" 2 "--fmin" "$v" cqt "$I/ok.wav" -o "$o" --fmin "$v"
done
for v in 0 -1 abc; do
    expect_fail "cqt: --hop $v" 2 "--hop" "$v" cqt "$I/ok.wav" -o "$o" --hop "$v"
done
# librosa raises when the filters reach above the Nyquist frequency.
expect_fail "cqt: 84 bins from C1 reach 4122 Hz, above 4000 Hz (--sr 8000)" 2 "--bins" \
    "4122|4000" cqt "$I/ok.wav" -o "$o" --sr 8000
expect_fail "cqt: 60 bins from 2000 Hz on a 22050-Hz clip" 2 "--bins" "2000|11025" \
    cqt "$I/ok.wav" -o "$o" --fmin 2000 --bins 60
expect_fail "cqt: --fmin 0.00001: filters too long" 2 "--fmin" "1e-05|16777216" \
    cqt "$I/ok.wav" -o "$o" --fmin 0.00001
expect_fail "cqt: --n-fft (an STFT option)" 2 "--n-fft" "unknown option" \
    cqt "$I/ok.wav" -o "$o" --n-fft 1024
expect_fail "cqt: missing -o" 2 "-o|--output" "" cqt "$I/ok.wav"

expect_fail "icqt: missing --sr" 2 "--sr" "" icqt "$I/cqt.npy" -o "$w"
expect_fail "icqt: --sr 22050.5" 2 "--sr" "22050.5" icqt "$I/cqt.npy" -o "$w" --sr 22050.5
expect_fail "icqt: 84 bins reach 4122 Hz, above 4000 Hz (--sr 8000)" 2 "$I/cqt.npy" \
    "4122|4000" icqt "$I/cqt.npy" -o "$w" --sr 8000
expect_fail "icqt: 257 rows as bins reach far above Nyquist" 2 "$I/c.npy" "257|11025" \
    icqt "$I/c.npy" -o "$w" --sr 22050
expect_fail "icqt: --bins 12 against 84 rows" 2 "--bins" "12|84" \
    icqt "$I/cqt.npy" -o "$w" --sr 22050 --bins 12
expect_fail "icqt: real (magnitude) input" 1 "$I/cqtmag.npy" "real" \
    icqt "$I/cqtmag.npy" -o "$w" --sr 22050
expect_fail "icqt: one frame" 1 "$I/cqt1.npy" "1 frame" icqt "$I/cqt1.npy" -o "$w" --sr 22050
expect_fail "icqt: a NaN" 1 "$I/cqtnan.npy" "NaN" icqt "$I/cqtnan.npy" -o "$w" --sr 22050
expect_fail "icqt: --length 0" 2 "--length" "0" icqt "$I/cqt.npy" -o "$w" --sr 22050 --length 0
expect_fail "icqt: --pcm 8" 2 "--pcm" "8" icqt "$I/cqt.npy" -o "$w" --sr 22050 --pcm 8
expect_fail "icqt: missing input" 1 "$I/missing.npy" "$ENOENT" \
    icqt "$I/missing.npy" -o "$w" --sr 22050

expect_fail "render: --scale cqt --lossless" 2 "--lossless" "cqt" \
    render "$I/ok.wav" -o "$p" --scale cqt --lossless
expect_fail "render: --bins without --scale cqt" 2 "--bins" "cqt" \
    render "$I/ok.wav" -o "$p" --bins 60
expect_fail "render: --scale cqt --fmax" 2 "--fmax" "cqt" \
    render "$I/ok.wav" -o "$p" --scale cqt --fmax 5000
expect_fail "render: --scale cqt --bins-per-octave 12.5" 2 "--bins-per-octave" "12.5" \
    render "$I/ok.wav" -o "$p" --scale cqt --bins-per-octave 12.5
expect_fail "render: --scale cqt reaching above Nyquist (--sr 8000)" 2 "--bins" "4122|4000" \
    render "$I/ok.wav" -o "$p" --scale cqt --sr 8000
expect_fail "render: --scale cqt .npy of 84 rows with --bins 12" 2 "--bins" "12|84" \
    render "$I/cqtmag.npy" -o "$p" --scale cqt --bins 12
# ---- batch -------------------------------------------------------------------

# An input tree with one clip, one with no audio at its top level.  Cases
# whose -o names no existing path run again with a file there, so -o points
# where that would change the error: an existing directory ($O), or below a
# directory that does not exist.
BD=$I/batch
mkdir "$BD" "$I/batch-empty" "$I/batch-empty/sub" || die "cannot create $BD"
cp "$I/ok.wav" "$BD/ok.wav" && cp "$I/ok.wav" "$I/batch-empty/sub/ok.wav" ||
    die "cannot fill $BD"
printf 'not audio\n' >"$I/batch-empty/notes.txt"
n=$O/new/out
expect_fail "batch: no input directory" 2 "" "input directory" batch -o "$n" -- render
expect_fail "batch: no -o" 2 "-o" "output directory" batch "$BD" -- render
expect_fail "batch: -o without a value" 2 "-o" "needs a value" batch "$BD" -o
expect_fail "batch: no --" 2 "--" "COMMAND" batch "$BD" -o "$n"
expect_fail "batch: the command without --" 2 "render" "--" batch "$BD" -o "$n" render
expect_fail "batch: nothing after --" 2 "--" "no command" batch "$BD" -o "$n" --
expect_fail "batch: unknown command" 2 "frobnicate" "unknown command" \
    batch "$BD" -o "$n" -- frobnicate
for c in info bench batch; do
    expect_fail "batch: $c cannot be batched" 2 "$c" "cannot be batched" batch "$BD" -o "$n" -- $c
done
expect_fail "batch: -o among the command's options" 2 "-o" "OUT_DIR" \
    batch "$BD" -o "$n" -- render -o x.png
expect_fail "batch: --output= among the command's options" 2 "--output=x.png" "OUT_DIR" \
    batch "$BD" -o "$n" -- render --output=x.png
expect_fail "batch: --help among the command's options" 2 "--help" "sono render --help" \
    batch "$BD" -o "$n" -- render --help
for v in 0 257 abc -1; do
    expect_fail "batch: --jobs $v" 2 "--jobs" "$v" batch "$BD" -o "$n" --jobs "$v" -- render
done
expect_fail "batch: -j without a value" 2 "-j" "needs a value" batch "$BD" -o "$n" -j
for v in "" . a/b; do
    expect_fail "batch: --ext '$v'" 2 "--ext" "extension" batch "$BD" -o "$n" --ext "$v" -- render
done
expect_fail "batch: unknown option" 2 "--frobnicate" "unknown option" \
    batch "$BD" -o "$n" --frobnicate -- render
expect_fail "batch: two input directories" 2 "$I" "unexpected argument" \
    batch "$BD" "$I" -o "$n" -- render
expect_fail "batch: missing input directory" 2 "$I/nodir" "$ENOENT" \
    batch "$I/nodir" -o "$n" -- render
expect_fail "batch: input is a file" 2 "$I/ok.wav" "not a directory" \
    batch "$I/ok.wav" -o "$n" -- render
expect_fail "batch: -o is the input directory" 2 "$BD" "input directory" \
    batch "$BD" -o "$BD" -- render
expect_fail "batch: -o is the input directory, named otherwise" 2 "$BD/." "input directory" \
    batch "$BD" -o "$BD/." -- render
expect_fail "batch: -o inside the input directory" 2 "$BD/new/out" "inside|$BD" \
    batch "$BD" -o "$BD/new/out" -- render
expect_fail "batch: -o holds the input directory" 2 "$I" "holds|$BD" \
    batch "$BD" -o "$I" -- render
expect_fail "batch: -o through .. back into the input" 2 "$O/new/../../in/batch/x" "inside" \
    batch "$BD" -o "$O/new/../../in/batch/x" -- render
expect_fail "batch: -o is a file" 2 "$I/ok.wav" "not a directory" \
    batch "$BD" -o "$I/ok.wav" -- render
expect_fail "batch: no audio at the top level" 1 "$I/batch-empty" "no input files|--recursive" \
    batch "$I/batch-empty" -o "$n" -- render
expect_fail "batch: no .npy for istft" 1 "$BD" "no input files|istft" \
    batch "$BD" -o "$n" -r -- istft --sr 22050
# The command's own refusals, met on the first file, stop the batch: one
# line naming the command and the option, nothing made in -o.
expect_fail "batch: the command's bad value" 2 "render" "--scale|foo" \
    batch "$BD" -o "$O" -- render --scale foo
expect_fail "batch: the command's unknown option" 2 "render" "--bogus" \
    batch "$BD" -o "$O" -- render --bogus
expect_fail "batch: the command's option out of range" 2 "mel" "--n-mels|0" \
    batch "$BD" -o "$O" -- mel --n-mels 0
expect_fail "batch: the command's option against the file (fmin above sr/2)" 2 "mel" \
    "--fmin|20000|$BD/ok.wav" batch "$BD" -o "$O/new/deeper" -- mel --fmin 20000

# ---- warnings ------------------------------------------------------------------

expect_warning "mel: --fmax 11100 above sr/2 (22050-Hz clip) warns once" "--fmax" "11100" \
    mel "$I/ok.wav" -o out.npy --fmax 11100
expect_warning "mfcc: --fmax 11100 above sr/2 (22050-Hz clip) warns once" "--fmax" "11100" \
    mfcc "$I/ok.wav" -o out.npy --fmax 11100
expect_warning "mel: --fmax 9000 on 16-kHz speech.ogg, 40 mels, warns once" "--fmax" "9000" \
    mel "$DATA/speech.ogg" -o out.npy --fmax 9000 --n-mels 40
expect_warning "mel: --fmax 30000 on 44.1-kHz cat.wav warns once" "--fmax" "30000" \
    mel "$DATA/cat.wav" -o out.npy --fmax 30000
expect_warning "mel: --fmax 20000 --sr 22050 on robin.ogg warns once" "--fmax" "20000" \
    mel "$DATA/robin.ogg" -o out.npy --sr 22050 --fmax 20000
expect_warning "mel: --n-mels 256 with --n-fft 512 warns of empty filters" "--n-mels" "empty" \
    mel "$I/ok.wav" -o out.npy --n-mels 256 --n-fft 512
expect_warning "istft: clipping to 16-bit PCM warns" "out.wav" "clipped" \
    istft "$I/loud.npy" -o out.wav --sr 22050 --pcm 16
expect_warning "cqt: truncated WAV (header claims 200000 data bytes, 1000 present)" \
    "$I/trunc.wav" "truncated" cqt "$I/trunc.wav" -o out.npy

# ---- summary -----------------------------------------------------------------

echo "$npass passed, $nfail failed"
if [ "$nfail" -ne 0 ]; then
    echo "bad_input.sh: files kept in $T" >&2
    exit 1
fi
chmod -R u+w "$T" 2>/dev/null
rm -rf "$T"
exit 0
