#!/bin/sh
# sono's two commands, each doing all of its own set-up on Debian 12:
#   ./sono.sh demo   install what is missing, build, and turn a bundled clip
#                    into a spectrogram (.npy) and back into sound
#   ./sono.sh test   install what is missing, build, and run the whole test suite
#   ./sono.sh test-sanitize  the same suite under ASan (with leak checking)
#                    and UBSan only, in ./build-sanitize
#   ./sono.sh build  install what is missing and build (into ./build)
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu

cd "$(dirname "$0")"
BUILD=${SONO_BUILD_DIR:-build}

# Debian packages: the compiler and build tools, the libraries (FFTW,
# libsndfile, libsoxr, libspng, libjpeg-turbo, LAPACKE over OpenBLAS), and
# for the tests numpy/scipy/soundfile (the independent reference model),
# matplotlib (whose colormaps the colormap tests compare with), PIL (which
# reads the PNGs of the picture tests) and scikit-learn (PCA and t-SNE to
# compare with).
BUILD_PACKAGES="gcc libc6-dev make cmake pkg-config libfftw3-dev libsndfile1-dev libsoxr-dev libspng-dev libjpeg-dev liblapacke-dev libopenblas-dev"
TEST_PACKAGES="python3 python3-numpy python3-scipy python3-soundfile python3-matplotlib python3-pil python3-sklearn"

need() {
    missing=""
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
            missing="$missing $p"
    done
    [ -z "$missing" ] && return 0
    echo "sono.sh: installing Debian packages:$missing"
    if [ "$(id -u)" -ne 0 ]; then
        SUDO=sudo
    else
        SUDO=
    fi
    $SUDO apt-get update -q
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $missing
}

# build DIR [CMAKE ARGS...]
build() {
    dir=$1
    shift
    cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=Release -DSONO_WERROR=ON \
        -DSONO_PYTHON=/usr/bin/python3 "$@" >/dev/null
    cmake --build "$dir" -j "$(nproc 2>/dev/null || echo 2)"
}

# The whole suite under AddressSanitizer (with its leak checker) and
# UndefinedBehaviorSanitizer: any invalid access, leak or undefined operation
# fails the test it is in, also inside the CLI processes the scripts start.
test_sanitize() {
    build "$BUILD-sanitize" -DCMAKE_BUILD_TYPE=Debug \
        "-DCMAKE_C_FLAGS=-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
    (cd "$BUILD-sanitize" &&
        ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} ctest --output-on-failure -j 2)
}

case "${1:-}" in
demo)
    need $BUILD_PACKAGES
    build "$BUILD"
    out=${2:-demo-output}
    mkdir -p "$out"
    clip=tests/data/trumpet.ogg
    "$BUILD/sono" info "$clip"
    "$BUILD/sono" stft "$clip" -o "$out/trumpet.stft.npy"
    "$BUILD/sono" mel "$clip" -o "$out/trumpet.mel.npy" --db --ref max
    length=$("$BUILD/sono" info --json "$clip" | sed 's/.*"frames": \([0-9]*\).*/\1/')
    rate=$("$BUILD/sono" info --json "$clip" | sed 's/.*"sample_rate": \([0-9]*\).*/\1/')
    "$BUILD/sono" istft "$out/trumpet.stft.npy" -o "$out/trumpet.rebuilt.wav" \
        --sr "$rate" --length "$length"
    "$BUILD/sono" stft "$clip" -o "$out/trumpet.magnitude.npy" --magnitude
    "$BUILD/sono" invert "$out/trumpet.magnitude.npy" -o "$out/trumpet.from-magnitude.wav" \
        --sr "$rate" --length "$length" --report
    "$BUILD/sono" render "$clip" -o "$out/trumpet.png" --scale log --size 800x300 --axes
    "$BUILD/sono" render "$clip" -o "$out/trumpet.mel224.png" --scale mel --size 224x224
    "$BUILD/sono" render "$clip" -o "$out/trumpet.lossless.png" --lossless --phase
    "$BUILD/sono" invert "$out/trumpet.lossless.png" -o "$out/trumpet.from-png.wav"
    "$BUILD/sono" waveform "$clip" -o "$out/trumpet.waveform.png"
    "$BUILD/sono" image2sound tests/data/chelsea.jpg -o "$out/chelsea.wav"
    "$BUILD/sono" render "$out/chelsea.wav" -o "$out/chelsea.heard.png" --cmap gray --size 450x300
    echo
    echo "wrote $out/trumpet.stft.npy    complex STFT of $clip (1025 bins x frames, complex64)"
    "$BUILD/sono" info "$out/trumpet.stft.npy" | sed 's/^/    /'
    echo "wrote $out/trumpet.mel.npy     128-band mel spectrogram in dB (float32)"
    "$BUILD/sono" info "$out/trumpet.mel.npy" | sed 's/^/    /'
    echo "wrote $out/trumpet.rebuilt.wav the clip rebuilt from the STFT by 'sono istft'"
    "$BUILD/sono" info "$out/trumpet.rebuilt.wav" | sed 's/^/    /'
    echo "wrote $out/trumpet.from-magnitude.wav the clip rebuilt from |STFT| alone by 'sono invert'"
    echo "    (phase reconstructed: PGHI, then 32 iterations of accelerated Griffin-Lim)"
    echo "wrote $out/trumpet.png         log-frequency spectrogram with axes and a colorbar"
    echo "wrote $out/trumpet.mel224.png  224x224 mel spectrogram, as an image classifier takes it"
    echo "wrote $out/trumpet.lossless.png 16-bit self-describing spectrogram with phase, and"
    echo "      $out/trumpet.from-png.wav the clip rebuilt from that PNG alone by 'sono invert'"
    echo "wrote $out/trumpet.waveform.png the min/max waveform"
    echo "wrote $out/chelsea.wav          tests/data/chelsea.jpg turned into sound, and"
    echo "      $out/chelsea.heard.png    that sound's spectrogram: the photograph again"
    ;;
test)
    need $BUILD_PACKAGES $TEST_PACKAGES
    build "$BUILD"
    (cd "$BUILD" && ctest --output-on-failure -j 2)
    echo "sono.sh: the test suite again with -fsanitize=address,undefined"
    test_sanitize
    ;;
test-sanitize)
    need $BUILD_PACKAGES $TEST_PACKAGES
    test_sanitize
    ;;
build)
    need $BUILD_PACKAGES
    build "$BUILD"
    ;;
*)
    echo "usage: ./sono.sh demo [OUTDIR] | test | test-sanitize | build" >&2
    exit 2
    ;;
esac
