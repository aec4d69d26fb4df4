#!/usr/bin/python3
"""Writes the .npy files of the hostile corpus into tests/hostile/npy/.

usage: /usr/bin/python3 make_npy.py [OUTDIR]

Headers written byte by byte (struct), so that they can lie: a wrong magic,
a shape whose product overflows 64 bits, fewer bytes than the shape claims,
a dtype sono does not read, a header length of 4 GiB; and valid matrices
(C and Fortran order of the same STFT) and magnitudes with one NaN,
infinite, negative or float32-overflowing value.  The files are small and
committed beside this script; tests/hostile/cases.tsv says what sono must do
with each.  The output is the same bytes every time.

SPDX-License-Identifier: GPL-3.0-or-later
"""
import math
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

ROWS, COLS = 33, 10  # an STFT with n_fft 64, 10 frames


def header(descr, shape, fortran=False, version=1, magic=b"\x93NUMPY"):
    """A .npy header padded so that the data starts at a multiple of 64."""
    dims = "%d," % shape[0] if len(shape) == 1 else ", ".join("%d" % d for d in shape)
    d = "{'descr': '%s', 'fortran_order': %s, 'shape': (%s), }" % (
        descr, "True" if fortran else "False", dims)
    pre = 10 if version == 1 else 12
    pad = (64 - (pre + len(d) + 1) % 64) % 64
    d = d + " " * pad + "\n"
    if version == 1:
        return magic + bytes([1, 0]) + struct.pack("<H", len(d)) + d.encode()
    return magic + bytes([version, 0]) + struct.pack("<I", len(d)) + d.encode()


def stft_value(r, c):
    """Entry (bin r, frame c) of a made-up STFT: smooth, finite, complex."""
    return (math.cos(0.3 * r + 0.7 * c) / (1 + r), math.sin(0.2 * r * c) / (1 + r))


def complex64(rows, cols, order="C", scale=1.0):
    idx = ([(r, c) for r in range(rows) for c in range(cols)] if order == "C"
           else [(r, c) for c in range(cols) for r in range(rows)])
    return b"".join(struct.pack("<ff", *(scale * v for v in stft_value(r, c)))
                    for r, c in idx)


def magnitudes(bad=None, at=(5, 3), fmt="<f", scale=1.0):
    """ROWS x COLS magnitudes (at most 1.01 * scale), C order, with `bad` at
    `at` when given."""
    out = []
    for r in range(ROWS):
        for c in range(COLS):
            v = scale * (abs(stft_value(r, c)[0]) + 0.01)
            out.append(bad if bad is not None and (r, c) == at else v)
    return b"".join(struct.pack(fmt, v) for v in out)


def main():
    outdir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "npy")
    os.makedirs(outdir, exist_ok=True)
    files = {}
    stft_c = complex64(ROWS, COLS)
    files["stft_c_order.npy"] = header("<c8", (ROWS, COLS)) + stft_c
    files["stft_fortran_order.npy"] = (header("<c8", (ROWS, COLS), fortran=True) +
                                       complex64(ROWS, COLS, order="F"))
    files["bad_magic.npy"] = header("<c8", (ROWS, COLS), magic=b"\x93NUMPX") + stft_c
    # 2^32 x 2^32 elements: the product is 2^64, one more than 64 bits hold.
    files["shape_overflow.npy"] = header("<c8", (1 << 32, 1 << 32)) + stft_c[:64]
    # Elements that fit 64 bits whose bytes (8 each) do not.
    files["shape_bytes_overflow.npy"] = header("<c8", (1 << 61, 2)) + stft_c[:64]
    files["short_data.npy"] = header("<c8", (ROWS, COLS)) + stft_c[:100]
    files["dtype_int16.npy"] = (header("<i2", (ROWS, COLS)) +
                                struct.pack("<%dh" % (ROWS * COLS),
                                            *[(r * 7 + c) for r in range(ROWS)
                                              for c in range(COLS)]))
    files["dtype_object.npy"] = header("|O", (ROWS, COLS)) + b"\0" * 64
    # Version 2 header declaring 4 GiB - 1 of header in a file of 80 bytes.
    v2 = bytearray(header("<c8", (ROWS, COLS), version=2))
    v2[8:12] = struct.pack("<I", 0xFFFFFFFF)
    files["header_len_4gib.npy"] = bytes(v2) + stft_c[:16]

    files["mag_ok.npy"] = header("<f4", (ROWS, COLS)) + magnitudes()
    files["mag_nan.npy"] = header("<f4", (ROWS, COLS)) + magnitudes(float("nan"))
    files["mag_inf.npy"] = header("<f4", (ROWS, COLS)) + magnitudes(float("inf"))
    files["mag_negative.npy"] = header("<f4", (ROWS, COLS)) + magnitudes(-0.5)
    # Finite float32, but the signal made from them overflows.
    files["mag_3e38.npy"] = header("<f4", (ROWS, COLS)) + magnitudes(fmt="<f", scale=3e38)
    files["stft_3e38.npy"] = header("<c8", (ROWS, COLS)) + complex64(ROWS, COLS, scale=3e38)
    # Finite as float64, infinite once read as float32.
    files["mag_f8_1e300.npy"] = (header("<f8", (ROWS, COLS)) +
                                 magnitudes(1e300, fmt="<d"))

    for name, data in sorted(files.items()):
        with open(os.path.join(outdir, name), "wb") as f:
            f.write(data)
    print("wrote %d files to %s" % (len(files), outdir))


if __name__ == "__main__":
    main()
