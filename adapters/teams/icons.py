"""The Teams app's two icons, drawn in code: two arrows chasing each other round a circle.

Standard library only (zlib, struct), as features/admin/charts.py draws its charts. Teams wants
a 192x192 full-colour icon and a 32x32 outline icon: white on a transparent background.
"""

from __future__ import annotations

import math
import struct
import zlib
from collections.abc import Callable

COLOR_SIZE = 192
OUTLINE_SIZE = 32
WHITE = (255, 255, 255)
SAMPLES = 4  # per axis: edges get partial coverage instead of jagged steps

# The symbol on a unit square: a ring cut into two arcs, each ending in an arrowhead.
_INNER, _OUTER = 0.25, 0.35
_ARCS = ((25.0, 150.0), (205.0, 330.0))  # degrees, counter-clockwise from the right
_HEAD_LENGTH = 32.0  # degrees of the circle an arrowhead covers
_HEAD_INNER, _HEAD_OUTER = 0.17, 0.43

Point = tuple[float, float]


def _polar(degrees: float, radius: float) -> Point:
    angle = math.radians(degrees)
    return 0.5 + radius * math.cos(angle), 0.5 - radius * math.sin(angle)


def _in_triangle(p: Point, a: Point, b: Point, c: Point) -> bool:
    def side(p1: Point, p2: Point, p3: Point) -> float:
        return (p1[0] - p3[0]) * (p2[1] - p3[1]) - (p2[0] - p3[0]) * (p1[1] - p3[1])

    d1, d2, d3 = side(p, a, b), side(p, b, c), side(p, c, a)
    has_negative = d1 < 0 or d2 < 0 or d3 < 0
    has_positive = d1 > 0 or d2 > 0 or d3 > 0
    return not (has_negative and has_positive)


_HEADS = tuple(
    (_polar(end, _HEAD_INNER), _polar(end, _HEAD_OUTER),
     _polar(end + _HEAD_LENGTH, (_INNER + _OUTER) / 2))
    for _, end in _ARCS
)


def _inside(x: float, y: float) -> bool:
    dx, dy = x - 0.5, 0.5 - y
    radius = math.hypot(dx, dy)
    if _INNER <= radius <= _OUTER:
        angle = math.degrees(math.atan2(dy, dx)) % 360
        if any(start <= angle <= end for start, end in _ARCS):
            return True
    return any(_in_triangle((x, y), *head) for head in _HEADS)


def _coverage(size: int) -> list[list[float]]:
    """How much of each pixel the symbol covers, 0 to 1."""
    step = 1 / (size * SAMPLES)
    offsets = [(i + 0.5) * step for i in range(SAMPLES)]
    total = SAMPLES * SAMPLES
    return [[sum(_inside(px / size + ox, py / size + oy) for ox in offsets for oy in offsets)
             / total for px in range(size)] for py in range(size)]


def _png_rgba(size: int, pixel: Callable[[int, int], tuple[int, int, int, int]]) -> bytes:
    raw = b"".join(
        b"\x00" + b"".join(bytes(pixel(x, y)) for x in range(size)) for y in range(size))

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def hex_colour(text: str) -> tuple[int, int, int]:
    value = text.lstrip("#")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def colour_icon(background: str) -> bytes:
    """192x192, opaque: the white symbol on the app's accent colour."""
    cover = _coverage(COLOR_SIZE)
    base = hex_colour(background)

    def pixel(x: int, y: int) -> tuple[int, int, int, int]:
        c = cover[y][x]
        r, g, b = (round(channel + (255 - channel) * c) for channel in base)
        return r, g, b, 255

    return _png_rgba(COLOR_SIZE, pixel)


def outline_icon() -> bytes:
    """32x32: white where the symbol is, transparent everywhere else."""
    cover = _coverage(OUTLINE_SIZE)
    return _png_rgba(OUTLINE_SIZE, lambda x, y: (*WHITE, round(255 * cover[y][x])))
