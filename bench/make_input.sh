#!/bin/sh
# Makes the input of issue 7's speed targets: 120 s of 44.1 kHz mono music,
# bench/data/brahms.ogg (45.8 s, stereo, public domain) mixed to mono as
# librosa.load does and looped, written as a float32 WAV.
#
# Usage: bench/make_input.sh [OUT.wav] [SECONDS]   (default: /tmp/sono-bench-120s.wav, 120)
#        then: sono bench --input OUT.wav; bench/peers.py --input OUT.wav
# Needs /usr/bin/python3 with numpy and soundfile (python3-soundfile, as the tests).
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-/tmp/sono-bench-120s.wav}
seconds=${2:-120}
src="$here/data/brahms.ogg"
[ -f "$src" ] || src="$here/../../shared/audio/brahms.ogg"
[ -f "$src" ] || { echo "make_input.sh: brahms.ogg not found in bench/data" >&2; exit 1; }
/usr/bin/python3 - "$src" "$out" "$seconds" <<'PY'
import sys
import numpy as np
import soundfile as sf

src, out, seconds = sys.argv[1], sys.argv[2], float(sys.argv[3])
y, sr = sf.read(src, dtype="float32", always_2d=True)
if sr != 44100:
    sys.exit(f"make_input.sh: {src} is {sr} Hz, not 44100")
y = y.mean(axis=1, dtype=np.float32)          # librosa.to_mono
n = int(round(seconds * sr))
reps = -(-n // len(y))
sf.write(out, np.tile(y, reps)[:n], sr, subtype="FLOAT")
print(f"{out}: {n} samples, {n / sr:g} s at {sr} Hz, mono float32 "
      f"({reps} loops of {src.rsplit('/', 1)[-1]})")
PY
