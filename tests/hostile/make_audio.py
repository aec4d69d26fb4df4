#!/usr/bin/python3
"""Writes the audio files of the hostile corpus into tests/hostile/audio/.

usage: /usr/bin/python3 make_audio.py [OUTDIR]

Headers that lie (channels, rate, bits, block align, codec, chunk sizes),
containers with nothing in them (AIFF with 0 frames, FLAC declaring 0
samples, Ogg with only its header pages, MP3 junk or a lone ID3 tag), and
samples sono must refuse or clip (NaN, infinities, 1e30, beyond +-1).  Every
byte is written here with struct, so that each field can lie; the FLAC frame
is a hand-made VERBATIM frame and the Ogg pages are cut from
tests/data/trumpet.ogg.  The files are small and committed beside this
script; tests/hostile/cases.tsv says what sono must do with each.  Run it
again after changing it: the output is the same bytes every time.

SPDX-License-Identifier: GPL-3.0-or-later
"""
import math
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "data")

PCM, FLOAT = 1, 3


def riff(chunks, riff_size=None):
    """A RIFF/WAVE file from (id, payload[, declared length]) chunks; the
    declared lengths and riff_size override the true ones (to lie)."""
    body = b"WAVE"
    for c in chunks:
        cid, payload = c[0], c[1]
        length = c[2] if len(c) > 2 else len(payload)
        body += cid + struct.pack("<I", length) + payload
        if len(payload) % 2 and len(c) == 2:
            body += b"\0"
    size = len(body) if riff_size is None else riff_size
    return b"RIFF" + struct.pack("<I", size) + body


def fmt(tag, channels, rate, bits, block_align=None, byte_rate=None):
    if block_align is None:
        block_align = (channels * bits // 8) & 0xFFFF
    if byte_rate is None:
        byte_rate = (rate * block_align) & 0xFFFFFFFF
    return b"fmt ", struct.pack("<HHIIHH", tag, channels, rate, byte_rate,
                                block_align, bits)


def wav(tag, channels, rate, bits, data, **lies):
    return riff([fmt(tag, channels, rate, bits, **lies), (b"data", data)])


def f32(samples):
    return struct.pack("<%df" % len(samples), *samples)


def s16(samples):
    return struct.pack("<%dh" % len(samples), *samples)


def tone(n, amplitude=0.5, period=50.0):
    return [amplitude * math.sin(2 * math.pi * i / period) for i in range(n)]


# ---- AIFF -------------------------------------------------------------------

def extended80(x):
    """An IEEE 754 80-bit extended float (AIFF's sample rate field)."""
    exponent = int(math.floor(math.log2(x)))
    mantissa = int(x * 2 ** (63 - exponent))
    return struct.pack(">HQ", 16383 + exponent, mantissa)


def aiff(channels, frames, bits, rate, sound):
    comm = struct.pack(">hIh", channels, frames, bits) + extended80(rate)
    ssnd = struct.pack(">II", 0, 0) + sound
    body = b"AIFF"
    for cid, payload in ((b"COMM", comm), (b"SSND", ssnd)):
        body += cid + struct.pack(">I", len(payload)) + payload
    return b"FORM" + struct.pack(">I", len(body)) + body


# ---- FLAC -------------------------------------------------------------------

def crc8(data):
    crc = 0
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = ((crc << 1) ^ 0x07) & 0xFF if crc & 0x80 else (crc << 1) & 0xFF
    return crc


def crc16(data):
    crc = 0
    for b in data:
        crc ^= b << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x8005) & 0xFFFF if crc & 0x8000 else (crc << 1) & 0xFFFF
    return crc


def flac_streaminfo(block, rate, channels, bits, total):
    """fLaC and a STREAMINFO block (the last metadata block)."""
    packed = (rate << 44) | ((channels - 1) << 41) | ((bits - 1) << 36) | total
    info = struct.pack(">HH", block, block) + b"\0" * 6 + packed.to_bytes(8, "big")
    info += b"\0" * 16  # MD5 of the audio: zero means not computed
    return b"fLaC" + bytes([0x80]) + len(info).to_bytes(3, "big") + info


def flac_verbatim_frame(samples):
    """One fixed-blocksize frame, mono, 16-bit, 22050 Hz, frame number 0,
    its samples stored as they are (a VERBATIM subframe)."""
    assert 1 <= len(samples) <= 256
    header = bytes([0xFF, 0xF8,
                    0x66,          # block size: 8 bits at the end; 22.05 kHz
                    0x08,          # mono, 16 bits per sample
                    0x00,          # frame number 0 (UTF-8 coded)
                    len(samples) - 1])
    header += bytes([crc8(header)])
    frame = header + bytes([0x02]) + struct.pack(">%dh" % len(samples), *samples)
    return frame + struct.pack(">H", crc16(frame))


# ---- Ogg --------------------------------------------------------------------

def ogg_crc(data):
    crc = 0
    for b in data:
        crc ^= b << 24
        for _ in range(8):
            crc = ((crc << 1) ^ 0x04C11DB7) & 0xFFFFFFFF if crc & 0x80000000 \
                else (crc << 1) & 0xFFFFFFFF
    return crc


def ogg_pages(data):
    pos = 0
    while pos < len(data):
        assert data[pos:pos + 4] == b"OggS", "not an Ogg page at %d" % pos
        nseg = data[pos + 26]
        size = 27 + nseg + sum(data[pos + 27:pos + 27 + nseg])
        yield data[pos:pos + size]
        pos += size


def ogg_headers_only(data):
    """The pages of the first stream whose granule position is 0 (the
    Vorbis identification, comment and setup headers), the last one marked
    end-of-stream, CRCs made right."""
    out = b""
    pages = [p for p in ogg_pages(data)]
    keep = []
    for p in pages:
        if struct.unpack("<q", p[6:14])[0] != 0:
            break
        keep.append(bytearray(p))
    assert len(keep) >= 2 and not any(
        struct.unpack("<q", p[6:14])[0] == 0 for p in pages[len(keep):])
    keep[-1][5] |= 0x04
    for p in keep:
        p[22:26] = b"\0\0\0\0"
        p[22:26] = struct.pack("<I", ogg_crc(bytes(p)))
        out += bytes(p)
    return out


# ---- MP3 --------------------------------------------------------------------

def junk(n, seed):
    """n bytes from a fixed LCG with no 0xFF byte, so that no MPEG frame
    sync can be found in them."""
    out = bytearray()
    x = seed
    while len(out) < n:
        x = (x * 6364136223846793005 + 1442695040888963407) & (2 ** 64 - 1)
        b = x >> 56
        if b != 0xFF:
            out.append(b)
    return bytes(out)


def id3v23(frames, padding):
    body = b""
    for fid, text in frames:
        payload = b"\x00" + text.encode("latin-1")
        body += fid + struct.pack(">I", len(payload)) + b"\0\0" + payload
    body += b"\0" * padding
    n = len(body)
    synchsafe = bytes([(n >> 21) & 0x7F, (n >> 14) & 0x7F, (n >> 7) & 0x7F, n & 0x7F])
    return b"ID3\x03\x00\x00" + synchsafe + body


# ---- the samples of the valid files -------------------------------------------

def pcm100():
    return [int(8000 * math.sin(i / 5.0)) for i in range(100)]


def pcm100_13bit():
    """13 significant bits, left-justified in 16: the low 3 bits are 0."""
    return [(int(4000 * math.sin(i / 5.0)) >> 3) << 3 for i in range(100)]


def ramp256():
    return [(i * 97) % 20000 - 10000 for i in range(256)]


# What a reader must decode from each valid file (16-bit values are scaled by
# 1/32768, as libsndfile and soundfile do), for run_hostile.py's checks.
EXPECTED = {
    "bits13.wav": lambda: [v / 32768 for v in pcm100_13bit()],
    "block_align0.wav": lambda: [v / 32768 for v in pcm100()],
    "data_fffffff0.wav": lambda: tone(25),
    "flac_0samples_256.flac": lambda: [v / 32768 for v in ramp256()],
    "sample_1e30.wav": lambda: tone(4096, 1e30),
}


def main():
    outdir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "audio")
    os.makedirs(outdir, exist_ok=True)
    files = {}
    pcm200 = s16(pcm100())

    # ---- lying WAV headers -------------------------------------------------
    files["empty.wav"] = b""
    files["riff_only.wav"] = b"RIFF"
    files["channels0.wav"] = wav(PCM, 0, 22050, 16, pcm200, block_align=2)
    # 8-bit so that the block align (65535) fits its 16-bit field; no frames.
    files["channels65535.wav"] = wav(PCM, 65535, 22050, 8, b"")
    files["rate0.wav"] = wav(PCM, 1, 0, 16, pcm200)
    files["bits0.wav"] = wav(PCM, 1, 22050, 0, pcm200, block_align=2)
    # 13 significant bits in 16-bit containers, low 3 bits zero: what the
    # WAV format allows for odd sizes (block align 2).
    files["bits13.wav"] = wav(PCM, 1, 22050, 13, s16(pcm100_13bit()), block_align=2)
    files["block_align0.wav"] = wav(PCM, 1, 22050, 16, pcm200, block_align=0)
    files["codec_0x1234.wav"] = wav(0x1234, 1, 22050, 16, pcm200)
    # A data chunk claiming 0xFFFFFFF0 bytes with 100 (25 float samples)
    # present; the RIFF size is the file's true one.
    body = f32(EXPECTED["data_fffffff0.wav"]())
    files["data_fffffff0.wav"] = riff([fmt(FLOAT, 1, 22050, 32),
                                       (b"data", body, 0xFFFFFFF0)])
    # A fmt chunk claiming 0x7FFFFFF0 bytes in a file of 60.
    files["fmt_len_7ffffff0.wav"] = riff([(b"fmt ", fmt(PCM, 1, 22050, 16)[1], 0x7FFFFFF0),
                                          (b"data", pcm200[:16])])

    # ---- empty containers ----------------------------------------------------
    files["empty_signal.wav"] = wav(FLOAT, 1, 22050, 32, b"")
    files["aiff_0frames.aiff"] = aiff(1, 0, 16, 22050.0, b"")
    files["flac_0samples_no_frames.flac"] = flac_streaminfo(256, 22050, 1, 16, 0)
    # 0 total samples means "unknown" in FLAC: the frame that follows is
    # audio all the same (256 samples of a ramp).
    files["flac_0samples_256.flac"] = (flac_streaminfo(256, 22050, 1, 16, 0) +
                                       flac_verbatim_frame(ramp256()))
    with open(os.path.join(DATA, "trumpet.ogg"), "rb") as f:
        files["ogg_headers_only.ogg"] = ogg_headers_only(f.read())
    files["mp3_junk.mp3"] = junk(4096, 8)
    files["mp3_id3_only.mp3"] = id3v23([(b"TIT2", "nothing but a tag"),
                                        (b"TPE1", "sono tests")], 512)

    # ---- samples -------------------------------------------------------------
    def with_sample(value, n=2048, at=1000):
        x = tone(n)
        x[at] = value
        return wav(FLOAT, 1, 22050, 32, f32(x))

    files["sample_nan.wav"] = with_sample(float("nan"))
    files["sample_neg_inf.wav"] = with_sample(float("-inf"))
    # Finite, and so is their STFT (up to 1e33), but their power (1e66)
    # overflows float32.
    files["sample_1e30.wav"] = wav(FLOAT, 1, 22050, 32, f32(EXPECTED["sample_1e30.wav"]()))
    # Near float32's largest value: the STFT itself overflows.
    files["sample_3.4e38.wav"] = wav(FLOAT, 1, 22050, 32, f32(tone(2048, 3.4e38)))
    # Two channels of 3e38: each is finite, their sum (the mono mix) is not.
    files["stereo_3e38.wav"] = wav(FLOAT, 2, 22050, 32,
                                   f32([v for v in tone(1024, 3e38) for _ in (0, 1)]))
    # A ramp across (-3, 3) in 4096 steps, no sample within 2e-4 of +-1,
    # for 16-bit output: what is beyond +-1 must clip to the extremes.
    files["ramp_pm3.wav"] = wav(FLOAT, 1, 22050, 32,
                                f32([-3.0 + 6.0 * (i + 0.5) / 4096 for i in range(4096)]))

    for name, data in sorted(files.items()):
        with open(os.path.join(outdir, name), "wb") as f:
            f.write(data)
    print("wrote %d files to %s" % (len(files), outdir))


if __name__ == "__main__":
    main()
