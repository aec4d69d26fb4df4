#!/usr/bin/python3
"""Writes the image test corpus into tests/hostile/images/.

usage: /usr/bin/python3 make_images.py [OUTDIR]

Hostile PNG and JPEG files that sono_image_load must refuse cleanly, and
valid edge cases it must read.  PNGs are assembled chunk by chunk here (zlib
and struct only), so that every field can lie; JPEGs start from small files
written by PIL and are then patched.  The files are small (the largest, the
zTXt bomb, is 64 KiB) and committed beside this script; run it again after
changing it.  tests/test_image.c holds the table of what each file must
give, and the pixel formulas of the valid ones (keep them in step).

SPDX-License-Identifier: GPL-3.0-or-later
"""
import io
import os
import random
import struct
import sys
import zlib

from PIL import Image

PNG_SIG = b"\x89PNG\r\n\x1a\n"
# Adam7: (x0, y0, dx, dy) of the 7 passes.
ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4),
         (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]


def chunk(kind, data, crc=None, length=None):
    """One chunk; crc and length override the true values (to lie)."""
    if crc is None:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    if length is None:
        length = len(data)
    return struct.pack(">I", length) + kind + data + struct.pack(">I", crc)


def ihdr(width, height, depth, colour, interlace=0):
    return chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, depth,
                                      colour, 0, 0, interlace))


def iend():
    return chunk(b"IEND", b"")


SAMPLES = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}  # colour type -> samples per pixel


def pack_row(pixels, depth):
    """A scanline (without filter byte) from a list of pixels, each a tuple
    of samples, at bit depth 1, 2, 4, 8 or 16."""
    if depth == 16:
        return b"".join(struct.pack(">%dH" % len(p), *p) for p in pixels)
    if depth == 8:
        return bytes(s for p in pixels for s in p)
    out, acc, bits = bytearray(), 0, 0
    for p in pixels:
        for s in p:
            acc = (acc << depth) | s
            bits += depth
            if bits == 8:
                out.append(acc)
                acc, bits = 0, 0
    if bits:
        out.append(acc << (8 - bits))
    return bytes(out)


def raw_image(width, height, depth, pixel, interlace=0):
    """The filtered (filter type 0) scanlines of an image whose pixel (x, y)
    is pixel(x, y), straight or in the 7 Adam7 passes."""
    out = bytearray()
    passes = ADAM7 if interlace else [(0, 0, 1, 1)]
    for x0, y0, dx, dy in passes:
        xs = range(x0, width, dx)
        if not xs:
            continue  # an empty pass has no scanlines at all
        for y in range(y0, height, dy):
            out += b"\0" + pack_row([pixel(x, y) for x in xs], depth)
    return bytes(out)


def png(width, height, depth, colour, pixel, interlace=0, before_idat=b"",
        after_idat=b""):
    raw = raw_image(width, height, depth, pixel, interlace)
    return (PNG_SIG + ihdr(width, height, depth, colour, interlace) +
            before_idat + chunk(b"IDAT", zlib.compress(raw, 9)) + after_idat +
            iend())


# ---- pixel formulas of the valid files (also in tests/test_image.c) ------

def px_grey16(x, y):
    return ((x * 4099 + y * 257 + 17) & 0xFFFF,)


def px_grey_alpha8(x, y):
    return ((x * 7 + y * 13) & 0xFF, (x * 3 + y * 5 + 1) & 0xFF)


PALETTE = [(255, 0, 0), (0, 255, 0), (0, 0, 255), (10, 20, 30)]
PALETTE_ALPHA = [0, 128, 255]  # tRNS: entry 3 stays opaque


def px_palette_index(x, y):
    return ((x + 2 * y) % 4,)


def px_rgb8(x, y):
    return ((x * 19) & 0xFF, (y * 23) & 0xFF, (x * y) & 0xFF)


def px_grey1(x, y):
    return ((x ^ y) & 1,)


def px_grey8_column(x, y):
    return ((y * 3) & 0xFF,)


def px_rgba8_row(x, y):
    return (x & 0xFF, 255 - (x & 0xFF), 7, 200)


def noise_rgb(width, height, seed):
    rnd = random.Random(seed)
    return Image.frombytes("RGB", (width, height),
                           bytes(rnd.randrange(256) for _ in range(width * height * 3)))


def jpeg_bytes(im, **options):
    buf = io.BytesIO()
    im.save(buf, "JPEG", **options)
    return buf.getvalue()


def jpeg_segments(data):
    """(offset, marker) of every marker segment before the first SOS."""
    out, i = [], 2
    while i < len(data):
        assert data[i] == 0xFF
        marker = data[i + 1]
        out.append((i, marker))
        if marker == 0xDA:
            break
        i += 2 + struct.unpack(">H", data[i + 2:i + 4])[0]
    return out


def patch_sof(data, width, height):
    """The JPEG with its frame header declaring width x height."""
    for off, marker in jpeg_segments(data):
        if marker in (0xC0, 0xC1, 0xC2):
            b = bytearray(data)
            b[off + 5:off + 9] = struct.pack(">HH", height, width)
            return bytes(b)
    raise ValueError("no SOF")


def oversubscribe_huffman(data):
    """The JPEG with its first DHT table claiming 3 codes of 1 bit (only 2
    exist), the counts' total kept so the segment still parses."""
    for off, marker in jpeg_segments(data):
        if marker == 0xC4:
            b = bytearray(data)
            counts = off + 5  # FF C4, length (2), class/id (1), 16 counts
            # Move codes from the longest used length to 1 bit.
            for n in range(15, 0, -1):
                if b[counts + n] >= 3 - b[counts]:
                    b[counts + n] -= 3 - b[counts]
                    b[counts] = 3
                    return bytes(b)
    raise ValueError("no DHT")


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    outdir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "images")
    os.makedirs(outdir, exist_ok=True)
    files = {}

    def grey8(w, h, v=0):
        return png(w, h, 8, 0, lambda x, y: (v,))

    # ---- hostile PNGs ----------------------------------------------------
    small_idat = chunk(b"IDAT", zlib.compress(b"\0" * 11 * 10, 9))
    files["png_width0.png"] = PNG_SIG + ihdr(0, 10, 8, 0) + small_idat + iend()
    files["png_height0.png"] = PNG_SIG + ihdr(10, 0, 8, 0) + small_idat + iend()
    files["png_2147483647x2147483647.png"] = (
        PNG_SIG + ihdr(2147483647, 2147483647, 8, 6) + small_idat + iend())
    # Beyond PNG's own 2^31 - 1 limit.
    files["png_width_2pow31.png"] = (
        PNG_SIG + ihdr(0x80000000, 1, 8, 0) + small_idat + iend())
    files["png_70000x10.png"] = PNG_SIG + ihdr(70000, 10, 8, 0) + small_idat + iend()
    files["png_20000x20000.png"] = (
        PNG_SIG + ihdr(20000, 20000, 8, 0) + small_idat + iend())
    # The decompression bomb: 16000 x 16000 RGBA 8-bit (2.56e8 pixels, within
    # the limits: 1 GB of pixels) and an IDAT stream of zeros.  Complete, it
    # would be a valid 1 MB file; here the stream is cut after 16 KiB, which
    # can inflate to 17 MB at most (deflate's limit is 1032:1): sono refuses
    # the file before allocating anything.
    zeros = zlib.compressobj(9)
    stream = zeros.compress(b"\0" * (64 << 20)) + zeros.flush(zlib.Z_SYNC_FLUSH)
    files["png_bomb_16000x16000.png"] = (
        PNG_SIG + ihdr(16000, 16000, 8, 6) + chunk(b"IDAT", stream[:16384]) + iend())
    # The largest picture within the limits in the widest layout: 16384 x
    # 16384 (2^28 pixels) RGBA 16-bit, 2 GiB of pixels, from the same data.
    files["png_bomb_16384x16384_rgba16.png"] = (
        PNG_SIG + ihdr(16384, 16384, 16, 6) + chunk(b"IDAT", stream[:16384]) + iend())
    # Large enough a file for its header (4096 x 4096 grey, 16.8 MB of
    # scanlines, needs 16.3 KB), so the 16.8 MB are allocated, but its 20 KB
    # of stored (uncompressed) zeros end after 5 rows: decoding must stop
    # there.
    stored = zlib.compressobj(0)
    stream = stored.compress(b"\0" * (1 << 20)) + stored.flush(zlib.Z_SYNC_FLUSH)
    files["png_cut_4096x4096.png"] = (
        PNG_SIG + ihdr(4096, 4096, 8, 0) + chunk(b"IDAT", stream[:20000]) + iend())
    # Files that are wrong but read as other readers read them ("lenient_").
    # A 64 x 64 picture whose IDAT stream goes on (to 16 MiB of zeros) after
    # the image's 4160 bytes of scanlines: libspng, like libpng, inflates
    # what the picture needs and ignores the rest.
    files["lenient_png_idat_overlong.png"] = (
        PNG_SIG + ihdr(64, 64, 8, 0) +
        chunk(b"IDAT", zlib.compress(b"\0" * (16 << 20), 9)) + iend())
    # A zTXt chunk inflating to 64 MiB of text (libspng gives up at its
    # chunk cache limit).
    files["png_ztxt_bomb.png"] = (
        PNG_SIG + ihdr(8, 8, 8, 0) +
        chunk(b"zTXt", b"Comment\0\0" + zlib.compress(b"a" * (64 << 20), 9)) +
        chunk(b"IDAT", zlib.compress(b"\0" * 9 * 8, 9)) + iend())
    # Chunk lengths of 0x7FFFFFF0 in a file of a few dozen bytes.
    files["png_chunk_len_7ffffff0.png"] = (
        PNG_SIG + ihdr(10, 10, 8, 0) +
        chunk(b"tEXt", b"Comment\0hello", length=0x7FFFFFF0) + small_idat + iend())
    files["png_idat_len_7ffffff0.png"] = (
        PNG_SIG + ihdr(10, 10, 8, 0) +
        chunk(b"IDAT", zlib.compress(b"\0" * 11 * 10, 9), length=0x7FFFFFF0) + iend())
    good = grey8(10, 10, 99)
    b = bytearray(good)
    b[8 + 8 + 13] ^= 0xFF  # IHDR's CRC
    files["png_bad_crc_ihdr.png"] = bytes(b)
    b = bytearray(good)
    b[len(good) - 12 - 1] ^= 0xFF  # IDAT's CRC, just before IEND
    files["png_bad_crc_idat.png"] = bytes(b)
    files["png_palette_no_plte.png"] = png(8, 8, 8, 3, lambda x, y: (0,))
    files["png_palette_depth16.png"] = (
        PNG_SIG + ihdr(8, 8, 16, 3) + chunk(b"PLTE", bytes(PALETTE[0])) +
        chunk(b"IDAT", zlib.compress(b"\0" * 17 * 8, 9)) + iend())
    files["png_grey_depth3.png"] = PNG_SIG + ihdr(8, 8, 3, 0) + small_idat + iend()
    # Palette index 200 with 4 entries: opaque black, as in libpng.
    files["lenient_png_palette_index_200.png"] = png(
        8, 8, 8, 3, lambda x, y: (200,),
        before_idat=chunk(b"PLTE", bytes(c for p in PALETTE for c in p)))
    files["png_bad_filter_type.png"] = (
        PNG_SIG + ihdr(10, 10, 8, 0) +
        chunk(b"IDAT", zlib.compress((b"\x07" + b"\0" * 10) * 10, 9)) + iend())
    files["png_bad_deflate.png"] = (
        PNG_SIG + ihdr(10, 10, 8, 0) +
        chunk(b"IDAT", b"\x78\x9c\xff\xff\xff\xff\xff\xff\xff\xff") + iend())
    full = png(64, 64, 8, 2, px_rgb8)
    idat = full.index(b"IDAT") - 4
    idat_len = struct.unpack(">I", full[idat:idat + 4])[0]
    files["png_truncated.png"] = full[:idat + 8 + idat_len // 2]
    files["png_no_idat.png"] = PNG_SIG + ihdr(10, 10, 8, 0) + iend()
    files["png_ihdr_length_12.png"] = (
        PNG_SIG + chunk(b"IHDR", struct.pack(">IIBBBB", 10, 10, 8, 0, 0, 0)) +
        small_idat + iend())
    files["png_empty.png"] = b""
    files["png_signature_only.png"] = PNG_SIG

    # ---- hostile JPEGs --------------------------------------------------
    base = jpeg_bytes(noise_rgb(64, 64, 1), quality=90)
    files["jpeg_truncated.jpg"] = base[:len(base) // 2]
    files["jpeg_65500x65500.jpg"] = patch_sof(base, 65500, 65500)
    files["jpeg_height0.jpg"] = patch_sof(base, 64, 0)
    # Within the limits, but with the data of 64 x 64 pixels: too few bytes
    # for so many 8x8 blocks, refused before anything is allocated.
    files["jpeg_16000x16000_lying.jpg"] = patch_sof(base, 16000, 16000)
    files["jpeg_progressive_16000x16000_lying.jpg"] = patch_sof(
        jpeg_bytes(noise_rgb(64, 64, 2), quality=90, progressive=True), 16000, 16000)
    # Few enough blocks for the file's size (48 MB of pixels allocated), but
    # the scan ends after the 64 x 64 pixels' worth: decoding must stop there.
    files["jpeg_4096x4096_lying.jpg"] = patch_sof(base, 4096, 4096)
    files["jpeg_huffman_oversubscribed.jpg"] = oversubscribe_huffman(base)
    # SOI, then a bogus marker and junk.
    rnd = random.Random(3)
    files["jpeg_junk_after_soi.jpg"] = (
        b"\xff\xd8\xff\x13" + bytes(rnd.randrange(256) for _ in range(2000)))
    # Junk between two segments of a valid file.
    segs = jpeg_segments(base)
    cut = segs[1][0]
    files["jpeg_junk_between_segments.jpg"] = (
        base[:cut] + bytes(rnd.randrange(0, 255) for _ in range(200)) + base[cut:])
    files["jpeg_soi_only.jpg"] = b"\xff\xd8\xff"
    files["jpeg_cmyk.jpg"] = jpeg_bytes(
        Image.new("CMYK", (16, 16), (10, 20, 30, 40)), quality=90)

    # ---- valid edge cases -----------------------------------------------
    files["ok_png_1x1.png"] = png(1, 1, 8, 2, lambda x, y: (200, 100, 50))
    files["ok_png_1x300.png"] = png(1, 300, 8, 0, px_grey8_column)
    files["ok_png_300x1.png"] = png(300, 1, 8, 6, px_rgba8_row)
    files["ok_png_grey16.png"] = png(37, 23, 16, 0, px_grey16)
    files["ok_png_grey_alpha8.png"] = png(29, 17, 8, 4, px_grey_alpha8)
    files["ok_png_palette_trns.png"] = png(
        19, 13, 2, 3, px_palette_index,
        before_idat=chunk(b"PLTE", bytes(c for p in PALETTE for c in p)) +
        chunk(b"tRNS", bytes(PALETTE_ALPHA)))
    files["ok_png_adam7_rgb8.png"] = png(13, 11, 8, 2, px_rgb8, interlace=1)
    files["ok_png_adam7_grey1.png"] = png(17, 9, 1, 0, px_grey1, interlace=1)
    # As compressed as zlib can make it (1027:1, deflate's limit being
    # 1032:1): the check of the file's size against its header lets it in.
    files["ok_png_zeros_4096x4096_grey1.png"] = (
        PNG_SIG + ihdr(4096, 4096, 1, 0) +
        chunk(b"IDAT", zlib.compress(b"\0" * (4096 * 513), 9)) + iend())
    # Text after the image data, and a zTXt.
    files["ok_png_text_after_idat.png"] = png(
        4, 4, 8, 0, lambda x, y: (x * 60,),
        before_idat=chunk(b"zTXt", b"Title\0\0" + zlib.compress(b"hello " * 100)),
        after_idat=chunk(b"tEXt", b"Comment\0written last"))
    solid = (200, 100, 50)
    files["ok_jpeg_1x1.jpg"] = jpeg_bytes(Image.new("RGB", (1, 1), solid), quality=95)
    files["ok_jpeg_1x300.jpg"] = jpeg_bytes(Image.new("RGB", (1, 300), solid), quality=95)
    files["ok_jpeg_300x1.jpg"] = jpeg_bytes(Image.new("RGB", (300, 1), solid), quality=95)
    files["ok_jpeg_grey.jpg"] = jpeg_bytes(Image.new("L", (20, 10), 77), quality=95)
    files["ok_jpeg_progressive.jpg"] = jpeg_bytes(
        Image.new("RGB", (40, 30), solid), quality=95, progressive=True)

    for name, data in sorted(files.items()):
        with open(os.path.join(outdir, name), "wb") as f:
            f.write(data)

    # The valid files as PIL reads them: the generator's own check.
    def check(name, mode, size, pixel):
        with Image.open(os.path.join(outdir, name)) as im:
            assert im.size == size, (name, im.size)
            im = im.convert(mode)
            for y in range(size[1]):
                for x in range(size[0]):
                    got = im.getpixel((x, y))
                    got = got if isinstance(got, tuple) else (got,)
                    assert got == pixel(x, y), (name, x, y, got, pixel(x, y))

    check("ok_png_1x1.png", "RGB", (1, 1), lambda x, y: (200, 100, 50))
    check("ok_png_1x300.png", "L", (1, 300), px_grey8_column)
    check("ok_png_300x1.png", "RGBA", (300, 1), px_rgba8_row)
    check("ok_png_grey_alpha8.png", "LA", (29, 17), px_grey_alpha8)
    check("ok_png_palette_trns.png", "RGBA", (19, 13),
          lambda x, y: PALETTE[(x + 2 * y) % 4] +
          ((PALETTE_ALPHA + [255])[(x + 2 * y) % 4],))
    check("ok_png_adam7_rgb8.png", "RGB", (13, 11), px_rgb8)
    check("ok_png_adam7_grey1.png", "L", (17, 9), lambda x, y: (255 * px_grey1(x, y)[0],))
    with Image.open(os.path.join(outdir, "ok_png_grey16.png")) as im:
        assert im.size == (37, 23) and im.mode in ("I", "I;16", "I;16B"), im.mode
        for y in range(23):
            for x in range(37):
                assert im.getpixel((x, y)) == px_grey16(x, y)[0]
    with Image.open(os.path.join(outdir, "jpeg_cmyk.jpg")) as im:
        assert im.mode == "CMYK"
    print("wrote %d files to %s" % (len(files), outdir))


if __name__ == "__main__":
    main()
