"""A small bar chart as PNG bytes, with no plotting library: joins per month for `admin stats`.

Pure standard library (zlib, struct) and a 5x7 pixel font for digits and '-', which is all the
month labels and counts need.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Sequence

_FONT = {  # 5 columns x 7 rows, one string per row
    "0": ("01110", "10001", "10011", "10101", "11001", "10001", "01110"),
    "1": ("00100", "01100", "00100", "00100", "00100", "00100", "01110"),
    "2": ("01110", "10001", "00001", "00010", "00100", "01000", "11111"),
    "3": ("11110", "00001", "00001", "01110", "00001", "00001", "11110"),
    "4": ("00010", "00110", "01010", "10010", "11111", "00010", "00010"),
    "5": ("11111", "10000", "11110", "00001", "00001", "10001", "01110"),
    "6": ("00110", "01000", "10000", "11110", "10001", "10001", "01110"),
    "7": ("11111", "00001", "00010", "00100", "01000", "01000", "01000"),
    "8": ("01110", "10001", "10001", "01110", "10001", "10001", "01110"),
    "9": ("01110", "10001", "10001", "01111", "00001", "00010", "01100"),
    "-": ("00000", "00000", "00000", "11111", "00000", "00000", "00000"),
}
BAR = (74, 144, 226)
INK = (60, 60, 60)
PAPER = (255, 255, 255)
SCALE = 2  # font pixels are 2x2


class Canvas:
    def __init__(self, width: int, height: int) -> None:
        self.width, self.height = width, height
        self.rows = [bytearray(PAPER * width) for _ in range(height)]

    def fill(self, x0: int, y0: int, x1: int, y1: int, colour: tuple[int, int, int]) -> None:
        for y in range(max(0, y0), min(self.height, y1)):
            row = self.rows[y]
            for x in range(max(0, x0), min(self.width, x1)):
                row[3 * x : 3 * x + 3] = bytes(colour)

    def text(self, x: int, y: int, words: str) -> None:
        for char in words:
            for dy, line in enumerate(_FONT.get(char, _FONT["-"])):
                for dx, bit in enumerate(line):
                    if bit == "1":
                        self.fill(x + dx * SCALE, y + dy * SCALE, x + (dx + 1) * SCALE,
                                  y + (dy + 1) * SCALE, INK)
            x += 6 * SCALE

    def png(self) -> bytes:
        raw = b"".join(b"\x00" + bytes(row) for row in self.rows)

        def chunk(kind: bytes, data: bytes) -> bytes:
            body = kind + data
            return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

        header = struct.pack(">IIBBBBB", self.width, self.height, 8, 2, 0, 0, 0)
        return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header)
                + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def text_width(words: str) -> int:
    return len(words) * 6 * SCALE


def bar_chart_png(items: Sequence[tuple[str, int]], bar_height: int = 120) -> bytes:
    """One bar per (label, value), the value above each bar and the label below it."""
    slot = max(text_width("0000-00"), 40) + 20
    top, bottom = 24, 24
    canvas = Canvas(max(slot * len(items) + 12, 120), bar_height + top + bottom)
    peak = max((value for _, value in items), default=0) or 1
    for n, (label, value) in enumerate(items):
        x = 6 + n * slot
        height = round(bar_height * value / peak)
        floor = top + bar_height
        canvas.fill(x + 10, floor - height, x + slot - 10, floor, BAR)
        count = str(value)
        canvas.text(x + (slot - text_width(count)) // 2, floor - height - 18, count)
        canvas.text(x + (slot - text_width(label)) // 2, floor + 6, label)
    return canvas.png()
