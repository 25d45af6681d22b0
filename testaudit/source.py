"""Reading audited files as text, whatever their encoding (never executing them)."""
from __future__ import annotations

import io
import tokenize
from typing import List


def decode(data: bytes) -> str:
    """Source text: the declared (or BOM-detected) encoding, undecodable bytes replaced."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError:
        encoding = "utf-8"
    try:
        text = data.decode(encoding, errors="replace")
    except LookupError:
        text = data.decode("utf-8", errors="replace")
    return text[1:] if text.startswith("\ufeff") else text


def read_lines(path: str) -> List[str]:
    try:
        with open(path, "rb") as fh:
            return decode(fh.read()).splitlines()
    except OSError:
        return []
