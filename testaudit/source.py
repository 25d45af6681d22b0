"""Reading audited files as text, whatever their encoding (never executing them)."""
from __future__ import annotations

import codecs
import errno
import io
import os
import re
import stat
import tokenize
from typing import List, Optional, Tuple


def encoding_of(data: bytes) -> Tuple[str, bytes]:
    """The declared encoding (PEP 263, default UTF-8; ``utf-8-sig`` reported as ``utf-8``) and
    the UTF-8 BOM the data starts with, if any."""
    bom = codecs.BOM_UTF8 if data.startswith(codecs.BOM_UTF8) else b""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError:
        encoding = "utf-8"
    return ("utf-8" if encoding == "utf-8-sig" else encoding), bom


_LINE_END = re.compile(r"\r\n|\r|\n")


def split_lines(text: str, limit: Optional[int] = None) -> List[str]:
    """Lines as Python counts them: ``str.splitlines`` also breaks at form feeds, vertical tabs,
    U+2028 and other characters that are not line ends in source code, which would shift every
    line number (code frames, suppressions) after one of them. With ``limit``, only the first
    ``limit`` lines (the rest of the text is not split)."""
    if limit is not None and limit <= 0:
        return []
    if "\r" in text:
        lines = _LINE_END.split(text, limit or 0)  # maxsplit 0: all
    else:
        lines = text.split("\n", -1 if limit is None else limit)  # the same, 10x faster
    if limit is not None and len(lines) > limit:
        del lines[limit:]  # the text after the last line asked for, unsplit
    elif lines[-1] == "":
        lines.pop()
    return lines


def code_points(line: str, utf8_offset: int) -> int:
    """The column, in code points, of a UTF-8 byte offset into ``line`` (``ast``'s columns)."""
    if line.isascii():
        return utf8_offset
    return len(line.encode("utf-8")[:utf8_offset].decode("utf-8", errors="replace"))


def decode(data: bytes) -> str:
    """Source text: the declared (or BOM-detected) encoding, undecodable bytes replaced."""
    encoding, bom = encoding_of(data)
    try:
        return data[len(bom):].decode(encoding, errors="replace")
    except (LookupError, UnicodeError, ValueError):  # an unknown codec, or one that is no text encoding
        # (`# coding: undefined` raises whatever the bytes; `idna` refuses non-ASCII labels)
        return data[len(bom):].decode("utf-8", errors="replace")


def read_lines(path: str, limit: Optional[int] = None) -> List[str]:
    """The file's lines (the first ``limit``), none when it cannot be read."""
    try:
        return split_lines(decode(read_regular(path)), limit)
    except OSError:
        return []


def read_regular(path: str, limit: int = -1) -> bytes:
    """A regular file's bytes (at most ``limit`` of them when given), opened without
    blocking: a file swapped for a FIFO after discovery hung the run on ``open``. Anything but a
    regular file raises OSError. Unbuffered: one read of the whole file, no buffer object (the
    text report reads every file with a finding: 6,000 on the reference corpus)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(errno.EINVAL, "not a regular file")
        with os.fdopen(fd, "rb", buffering=0, closefd=False) as fh:
            data = fh.read(limit)
        return data if data is not None else b""
    finally:
        os.close(fd)
