"""Tables as aligned text for a terminal, Chinese included.

A terminal draws CJK characters two columns wide (East Asian width "W" or "F"), so columns
are padded by display width, not by the number of characters.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def pad(text: str, width: int, right: bool = False) -> str:
    """``text`` padded with spaces to ``width`` columns, on the left if ``right``-aligned."""
    space = " " * max(width - display_width(text), 0)
    return space + text if right else text + space


def aligned(rows: Sequence[Sequence[str]], right: Sequence[bool], gap: int = 2) -> list[str]:
    """Rows of cells as lines, each column as wide as its widest cell; ``right[k]`` says
    whether column ``k`` is aligned right (numbers) or left (names)."""
    widths = [max(display_width(row[k]) for row in rows) for k in range(len(right))]
    return [
        (" " * gap)
        .join(pad(cell, w, r) for cell, w, r in zip(row, widths, right, strict=True))
        .rstrip()
        for row in rows
    ]
