"""Wrapping labels to a width instead of cutting them, for Latin and Chinese text alike.

Widths are counted in half-em units: a Latin letter is one unit, a Chinese character two
(it is about one em wide). Chinese text has no spaces, so it may break between any two
characters, but never before closing punctuation; long identifiers such as
``staffing.mediators_total`` break after their dots, underscores and slashes.
"""

from __future__ import annotations

import re
import unicodedata

# Points per half-em unit of a label at font size 1 (DejaVu Sans letters average ~0.6 em;
# counting them as one unit and a CJK glyph as two keeps estimates on the safe side).
POINTS_PER_UNIT = 0.62
_WIDE = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f"
_CLOSING = ",。、;:!?)」』】》,.;:!?)"
_TOKENS = re.compile(
    rf"\s+|[{_WIDE}][{re.escape(_CLOSING)}]*|[^\s{_WIDE}]+?(?:[._/\-]+|(?=[\s{_WIDE}])|$)"
)


def display_width(text: str) -> int:
    """Half-em units: two for a wide (CJK) character, one for anything else."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def has_cjk(text: str) -> bool:
    return any(unicodedata.east_asian_width(c) in "WF" for c in text)


def wrap_lines(text: str, width: int) -> list[str]:
    """Greedy lines of at most ``width`` units (a single longer token gets a line of its own,
    split by characters if even that is too long)."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines += _wrap_paragraph(paragraph, max(width, 4))
    return lines


def wrap(text: str, width: int) -> str:
    return "\n".join(wrap_lines(text, width))


def units_for(inches: float, fontsize: float) -> int:
    """How many half-em units fit in ``inches`` at ``fontsize`` points."""
    return max(4, int(inches * 72 / (fontsize * POINTS_PER_UNIT)))


def wrap_to(text: str, inches: float, fontsize: float) -> str:
    """``text`` wrapped to fit ``inches`` at ``fontsize``."""
    return wrap(text, units_for(inches, fontsize))


def _wrap_paragraph(paragraph: str, width: int) -> list[str]:
    lines: list[str] = []
    line = ""
    for token in _TOKENS.findall(paragraph):
        if token.isspace():
            if line:
                line += " "
            continue
        for piece in _split_long(token, width):
            if line and display_width(line + piece) > width:
                lines.append(line.rstrip())
                line = ""
            line += piece
    if line.strip() or not lines:
        lines.append(line.rstrip())
    return lines


def _split_long(token: str, width: int) -> list[str]:
    if display_width(token) <= width:
        return [token]
    pieces, piece = [], ""
    for c in token:
        if piece and display_width(piece + c) > width:
            pieces.append(piece)
            piece = ""
        piece += c
    return [*pieces, piece]


def line_count(text: str) -> int:
    return text.count("\n") + 1


def wrap_names(names: list[str], inches: float, fontsize: float) -> list[str]:
    """Category labels (policy names) wrapped to the room beside an axis."""
    return [wrap_to(name, inches, fontsize) for name in names]
