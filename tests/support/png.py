"""Reads a PNG with the standard library only: size, colour type and every pixel's RGBA."""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

SIGNATURE = b"\x89PNG\r\n\x1a\n"
CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}  # greyscale, RGB, palette, greyscale+alpha, RGBA


class PngProblem(AssertionError):
    pass


@dataclass(frozen=True)
class Png:
    width: int
    height: int
    colour_type: int
    pixels: list[list[tuple[int, int, int, int]]]  # rows of RGBA

    @property
    def has_alpha(self) -> bool:
        return self.colour_type in (4, 6)

    def all_pixels(self) -> list[tuple[int, int, int, int]]:
        return [p for row in self.pixels for p in row]


def _paeth(a: int, b: int, c: int) -> int:
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else (b if pb <= pc else c)


def _unfilter(data: bytes, width: int, height: int, bpp: int) -> list[bytes]:
    stride, rows, previous, at = width * bpp, [], bytearray(width * bpp), 0
    for _ in range(height):
        kind, line = data[at], bytearray(data[at + 1 : at + 1 + stride])
        at += 1 + stride
        for i in range(stride):
            left = line[i - bpp] if i >= bpp else 0
            up, corner = previous[i], previous[i - bpp] if i >= bpp else 0
            predictor = (0, left, up, (left + up) // 2, _paeth(left, up, corner))[kind]
            line[i] = (line[i] + predictor) & 0xFF
        rows.append(bytes(line))
        previous = line
    return rows


def read_png(data: bytes) -> Png:
    if not data.startswith(SIGNATURE):
        raise PngProblem("not a PNG: bad signature")
    at, header, idat, palette = len(SIGNATURE), b"", b"", b""
    while at < len(data):
        (length,) = struct.unpack(">I", data[at : at + 4])
        kind, body = data[at + 4 : at + 8], data[at + 8 : at + 8 + length]
        (crc,) = struct.unpack(">I", data[at + 8 + length : at + 12 + length])
        if zlib.crc32(kind + body) != crc:
            raise PngProblem(f"chunk {kind!r} has a bad CRC")
        header = body if kind == b"IHDR" else header
        idat += body if kind == b"IDAT" else b""
        palette = body if kind == b"PLTE" else palette
        at += 12 + length
    width, height, depth, colour_type, _, _, interlace = struct.unpack(">IIBBBBB", header)
    if depth != 8 or interlace or colour_type not in CHANNELS:
        raise PngProblem(f"unsupported PNG: depth {depth}, colour type {colour_type}")
    bpp = CHANNELS[colour_type]
    rows = _unfilter(zlib.decompress(idat), width, height, bpp)

    if colour_type == 3 and not palette:
        raise PngProblem("a palette PNG without its PLTE chunk")

    def rgba(row: bytes, x: int) -> tuple[int, int, int, int]:
        v = row[x * bpp : (x + 1) * bpp]
        if colour_type == 3:
            r, g, b = palette[3 * v[0] : 3 * v[0] + 3]
            return r, g, b, 255
        if bpp == 1:
            return v[0], v[0], v[0], 255
        if bpp == 2:
            return v[0], v[0], v[0], v[1]
        return (v[0], v[1], v[2], v[3] if bpp == 4 else 255)

    return Png(width, height, colour_type, [[rgba(r, x) for x in range(width)] for r in rows])


def png_size(data: bytes) -> tuple[int, int]:
    """(width, height) from the header alone: any PNG a browser shows, whatever its depth."""
    if not data.startswith(SIGNATURE) or data[12:16] != b"IHDR":
        raise PngProblem("not a PNG: bad signature or no header first")
    width, height = struct.unpack(">II", data[16:24])
    return width, height
