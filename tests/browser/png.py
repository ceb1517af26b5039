#!/usr/bin/env python3
"""PNG helpers for tests/browser.sh, with the standard library only (no PIL).

  png.py stats FILE               width, height, share of non-white pixels, distinct colours,
                                  pixels in the charts' first side colour (0, 114, 178)
  png.py crop FILE OUT TOP HEIGHT a horizontal slice, to look at a tall screenshot
"""
import struct
import sys
import zlib


def decode(path):
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, ihdr = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            ihdr = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, colour, _, _, interlace = ihdr
    assert depth == 8 and interlace == 0 and colour in (2, 6), f"unsupported PNG {ihdr}"
    bpp = 4 if colour == 6 else 3
    raw = zlib.decompress(idat)
    stride = width * bpp
    rows, prev, i = [], bytearray(stride), 0
    for _ in range(height):
        f, line = raw[i], bytearray(raw[i + 1:i + 1 + stride])
        i += 1 + stride
        for x in range(stride):
            a = line[x - bpp] if x >= bpp else 0
            b = prev[x]
            c = prev[x - bpp] if x >= bpp else 0
            if f == 1:
                line[x] = (line[x] + a) & 255
            elif f == 2:
                line[x] = (line[x] + b) & 255
            elif f == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append(bytes(line))
        prev = line
    return width, height, bpp, rows


def encode(path, width, bpp, rows):
    raw = b"".join(b"\x00" + r for r in rows)
    chunk = lambda k, b: struct.pack(">I", len(b)) + k + b + struct.pack(">I", zlib.crc32(k + b))
    ihdr = struct.pack(">IIBBBBB", width, len(rows), 8, 6 if bpp == 4 else 2, 0, 0, 0)
    open(path, "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def main():
    if sys.argv[1] == "stats":
        width, height, bpp, rows = decode(sys.argv[2])
        nonwhite, colours, blue = 0, set(), 0
        for r in rows[::2]:
            for x in range(0, width * bpp, bpp * 2):
                px = r[x:x + 3]
                colours.add(px)
                if min(px) < 235:
                    nonwhite += 1
                if abs(px[0] - 0) <= 12 and abs(px[1] - 114) <= 12 and abs(px[2] - 178) <= 12:
                    blue += 1
        sampled = len(rows[::2]) * len(range(0, width * bpp, bpp * 2))
        print(width, height, f"{nonwhite / sampled:.4f}", len(colours), blue)
    elif sys.argv[1] == "crop":
        width, height, bpp, rows = decode(sys.argv[2])
        top, h = int(sys.argv[4]), int(sys.argv[5])
        encode(sys.argv[3], width, bpp, rows[top:top + h])


main()
