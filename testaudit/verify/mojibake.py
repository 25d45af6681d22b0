"""Undo mojibake (UTF-8 bytes decoded as cp1252 or mac_roman) without moving any line.

Generated reports pass through tools that guess encodings, so a heading written as
`## 🚀 Executive Summary` arrives as `## ðŸš€ Executive Summary` (cp1252) or `## üöÄ Executive
Summary` (mac_roman), a tree's `├──` as `â”œâ”€â”€`. The repair works on one line at a time and
on one UTF-8 sequence at a time: where the characters at a position encode, in one of those
codecs, to the bytes of exactly one valid UTF-8 character, they are replaced by it; anything
else is left alone. A repaired sequence never contains a line break, so the text keeps its
number of lines and every report line keeps its number.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Dict, Optional, Tuple

CODECS: Tuple[str, ...] = ("cp1252", "mac_roman")
BOM = "\ufeff"
MAX_PASSES = 3  # text mis-decoded twice needs two passes; a third proves nothing changed


@lru_cache(maxsize=None)
def _byte_table(codec: str) -> Dict[str, int]:
    """Character → byte for the high half of a single-byte codec.

    Bytes the codec leaves undefined (cp1252's 0x81, 0x8D, 0x8F, 0x90, 0x9D) are decoded by
    browsers and most editors as the C1 control of the same number, so they map back too.
    """
    table: Dict[str, int] = {}
    for byte in range(0x80, 0x100):
        try:
            char = bytes([byte]).decode(codec)
        except UnicodeDecodeError:
            char = chr(byte)
        table.setdefault(char, byte)
    return table


def _sequence_length(lead: int) -> int:
    """How many bytes a UTF-8 sequence starting with `lead` has (0: not a lead byte)."""
    if 0xC2 <= lead <= 0xDF:
        return 2
    if 0xE0 <= lead <= 0xEF:
        return 3
    if 0xF0 <= lead <= 0xF4:
        return 4
    return 0


def _is_continuation(byte: Optional[int]) -> bool:
    return byte is not None and 0x80 <= byte <= 0xBF


def _decode_one(data: bytes) -> Optional[str]:
    """The single character `data` encodes in UTF-8, or None (invalid, or a C1 control)."""
    try:
        char = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    if len(char) != 1 or 0x80 <= ord(char) <= 0x9F:
        return None
    return char


def _repair_at(line: str, index: int, codec: str) -> Optional[Tuple[str, int]]:
    """(character, characters consumed) when `line[index:]` starts a mis-decoded sequence."""
    table = _byte_table(codec)
    lead = table.get(line[index])
    if lead is None:
        return None
    length = _sequence_length(lead)
    if length:
        chunk = line[index:index + length]
        data = [table.get(char) for char in chunk]
        if len(chunk) == length and all(_is_continuation(b) for b in data[1:]):
            repaired = _decode_one(bytes(b for b in data if b is not None))
            if repaired is not None:
                return repaired, length
    return _repair_lost_lead(line, index, table, lead)


def _repair_lost_lead(line: str, index: int, table: Dict[str, int], lead: int) -> Optional[Tuple[str, int]]:
    """An emoji whose first byte (0xF0) was dropped in transit: `üöÄ` for 🚀, `Ÿš€` too.

    mac_roman decodes 0xF0 to a private-use character that many tools drop, leaving the three
    bytes `9F xx xx`. Only the pictographic blocks (U+1F300–U+1FAFF) are recovered this way,
    which keeps ordinary accented text ("Müller") untouched.
    """
    if lead != 0x9F:
        return None
    chunk = line[index + 1:index + 3]
    data = [table.get(char) for char in chunk]
    if len(chunk) != 2 or not all(_is_continuation(b) for b in data):
        return None
    second = data[0]
    if second is None or not 0x8C <= second <= 0xAB:
        return None
    repaired = _decode_one(bytes([0xF0, 0x9F] + [b for b in data if b is not None]))
    return (repaired, 3) if repaired is not None else None


def _lost_variation_selector(line: str, index: int, previous: str) -> Optional[Tuple[str, int]]:
    """`ï¸` right after a symbol: U+FE0F (emoji presentation, bytes EF B8 8F) whose last byte
    cp1252 cannot decode and so was dropped, as in `âš ï¸` for ⚠️ or `ðŸ—‚ï¸` for 🗂️."""
    table = _byte_table("cp1252")
    pair = line[index:index + 2]
    if len(pair) == 2 and [table.get(c) for c in pair] == [0xEF, 0xB8] and previous and ord(previous) >= 0x2000:
        return "\ufe0f", 2
    return None


def _repair_pass(line: str) -> str:
    out = []
    index = 0
    while index < len(line):
        char = line[index]
        if ord(char) < 0x80:
            out.append(char)
            index += 1
            continue
        found = None
        for codec in CODECS:
            found = _repair_at(line, index, codec)
            if found is not None:
                break
        if found is None:
            found = _lost_variation_selector(line, index, out[-1] if out else "")
        if found is None:
            out.append(char)
            index += 1
        else:
            out.append(found[0])
            index += found[1]
    return "".join(out)


def repair_mojibake(line: str) -> str:
    """`line` with UTF-8 read as cp1252 or mac_roman turned back into what was written.

    Works sequence by sequence, so genuine non-ASCII text next to mojibake survives; repeats
    while something changes (text mis-decoded twice). Never adds or removes a line break.
    """
    for _ in range(MAX_PASSES):
        if line.isascii():
            return line
        repaired = _repair_pass(line)
        if repaired == line:
            return line
        line = repaired
    return line


def split_lines(text: str) -> Tuple[str, ...]:
    """The report's lines as markdown-it counts them: `\\r\\n`, `\\r` and `\\n` end a line."""
    return tuple(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"))


def normalise_report_text(text: str) -> Tuple[str, ...]:
    """The lines of a report with the BOM stripped and each line's mojibake repaired."""
    if text.startswith(BOM):
        text = text[1:]
    lines = [repair_mojibake(line) for line in split_lines(text)]
    if lines and lines[0].startswith(BOM):  # a BOM that was itself mis-decoded (`ï»¿`)
        lines[0] = lines[0][1:]
    return tuple(lines)
