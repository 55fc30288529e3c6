"""Reading the files a planner gives the tool (scenarios, sweep specs, calibration targets
and parameters, communities CSVs) as UTF-8 text, with a clear message for anything else.

A file is checked before it is opened (a folder, a FIFO or a device would hang or fail
obscurely), its size is bounded, and its bytes are decoded with a message that names the
file and says what was found instead: binary data, UTF-16, another encoding, nothing.
TOML nesting is bounded too, so that a deeply nested array is refused instead of
exhausting the parser's recursion.
"""

from __future__ import annotations

import codecs
import stat
import tomllib
from pathlib import Path

MAX_TOML_BYTES = 5_000_000  # a scenario with every community listed stays far below this
MAX_CSV_BYTES = 200_000_000  # about a million communities
MAX_TOML_DEPTH = 12  # tables and arrays inside each other; the schema needs 4

_UTF16_32_BOMS = {
    codecs.BOM_UTF32_LE: "UTF-32",
    codecs.BOM_UTF32_BE: "UTF-32",
    codecs.BOM_UTF16_LE: "UTF-16",
    codecs.BOM_UTF16_BE: "UTF-16",
}


class InputFileError(ValueError):
    """A file that cannot be read as the tool's input; the message names it and says why."""


def read_text(path: str | Path, what: str = "file", max_bytes: int = MAX_TOML_BYTES) -> str:
    """The file's text, decoded as UTF-8 (a UTF-8 byte-order mark is dropped)."""
    path = Path(path)
    _check_regular_file(path, what, max_bytes)
    try:
        data = path.read_bytes()
    except OSError as err:
        raise InputFileError(f"{path}: cannot read the {what}: {err.strerror}") from None
    return decode(data, path, what)


def decode(data: bytes, path: Path, what: str) -> str:
    if not data.strip():
        raise InputFileError(f"{path}: the {what} is empty")
    for bom, name in _UTF16_32_BOMS.items():
        if data.startswith(bom):
            raise InputFileError(f"{path}: the {what} is {name} text; save it as UTF-8")
    if b"\0" in data[:65536]:
        raise InputFileError(f"{path}: the {what} holds binary data (NUL bytes), not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        column = err.start - (data.rfind(b"\n", 0, err.start) + 1) + 1
        where = f"byte 0x{data[err.start]:02X} at line {line}, column {column}"
        if looks_gbk(data):
            raise InputFileError(
                f"{path}: the {what} is not UTF-8 text ({where}): it looks GBK-encoded "
                f"(GBK/GB18030, the Windows code page for Chinese); {_gbk_fix(path)}"
            ) from None
        raise InputFileError(
            f"{path}: the {what} is not UTF-8 text ({where}); if it was saved as "
            "GBK/GB18030, Latin-1 or UTF-16, save it again as UTF-8"
        ) from None


# Ideographs, CJK punctuation and full-width forms: what GBK-encoded Chinese decodes to.
_CJK_RANGES = ((0x3000, 0x303F), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xFF00, 0xFFEF))


def looks_gbk(data: bytes) -> bool:
    """Whether ``data`` reads as GB18030 (GBK's superset) Chinese: every non-ASCII
    character CJK, with at least two in a row (a Latin-1 accent between ASCII letters
    also decodes as GBK, but as a lone ideograph)."""
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return False
    run = longest = 0
    for char in text:
        if char.isascii():
            run = 0
            continue
        if not any(low <= ord(char) <= high for low, high in _CJK_RANGES):
            return False
        run += 1
        longest = max(longest, run)
    return longest >= 2


# How to save a comma-separated UTF-8 file from Excel, with the Chinese menu names.
EXCEL_SAVE_AS_CSV_UTF8 = (
    "in Excel use File > Save As (文件 > 另存为) and choose 'CSV UTF-8 (comma delimited)' "
    "(CSV UTF-8(逗号分隔))"
)


def _gbk_fix(path: Path) -> str:
    """How to save the file as UTF-8 where it was most likely written."""
    if path.suffix.lower() == ".csv":
        return (
            f"Excel's 'CSV' on Chinese Windows writes GBK. Save it again as UTF-8: "
            f"{EXCEL_SAVE_AS_CSV_UTF8}; in WPS choose Save As (另存为) and the UTF-8 encoding "
            "(编码 UTF-8)"
        )
    return (
        "save it again as UTF-8: in Notepad use File > Save As (文件 > 另存为) and choose "
        "the encoding UTF-8 (编码 UTF-8); in WPS or another editor choose UTF-8 when saving"
    )


def _check_regular_file(path: Path, what: str, max_bytes: int) -> None:
    try:
        info = path.stat()
    except FileNotFoundError:
        raise InputFileError(f"{path}: no such {what}") from None
    except OSError as err:
        raise InputFileError(f"{path}: cannot read the {what}: {err.strerror}") from None
    if stat.S_ISDIR(info.st_mode):
        raise InputFileError(f"{path}: is a folder, not a {what}")
    if not stat.S_ISREG(info.st_mode):
        raise InputFileError(
            f"{path}: is not a regular file (a pipe or a device?); give a {what} saved on disk"
        )
    if info.st_size > max_bytes:
        raise InputFileError(
            f"{path}: the {what} is {info.st_size:,} bytes; at most {max_bytes:,} are read"
        )


def read_toml(path: str | Path, what: str = "TOML file") -> dict:
    """A TOML file as a dict, with bounded nesting."""
    path = Path(path)
    return parse_toml(read_text(path, what), path, what)


def parse_toml(text: str, path: Path, what: str) -> dict:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise InputFileError(f"{path}: the {what} is not valid TOML: {err}") from None
    except RecursionError:
        raise InputFileError(
            f"{path}: the {what} nests tables or arrays too deeply "
            f"(at most {MAX_TOML_DEPTH} levels)"
        ) from None
    if depth(data) > MAX_TOML_DEPTH:
        raise InputFileError(
            f"{path}: the {what} nests tables or arrays too deeply "
            f"(at most {MAX_TOML_DEPTH} levels)"
        )
    return data


def depth(value: object) -> int:
    """Levels of dicts and lists inside each other (a scalar is 0), without recursion."""
    deepest = 0
    stack: list[tuple[object, int]] = [(value, 0)]
    while stack:
        item, level = stack.pop()
        children = (
            item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        )
        if children is None:
            continue
        deepest = max(deepest, level + 1)
        if deepest > MAX_TOML_DEPTH:
            return deepest
        stack.extend((child, level + 1) for child in children)
    return deepest
