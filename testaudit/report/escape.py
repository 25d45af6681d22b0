"""Audited text made inert for the outputs people read (SPEC §11).

File names, finding messages (which quote source literals) and code frames come from the audited
tree. A terminal executes escape sequences (colours, OSC 8 links, clearing the screen, retitling
the window), a bidi override reorders what a reviewer sees, a form feed or U+2028 breaks a line
where the format expects none. :func:`visible` writes each such character as a Python escape
(``\\x1b``, ``\\u202e``) — readable, and exactly what the developer would type to find it.
Tabs are kept. Markup (rich, Markdown, HTML, XML, GitHub commands) is escaped by each reporter for
its own syntax; JSON and SARIF stay lossless, since JSON escapes control characters itself.
"""
from __future__ import annotations

import re

# C0 and C1 controls (but tab), DEL, line and paragraph separators, bidi and invisible format
# characters, and lone surrogates (a file name's bytes that are not UTF-8, as os.fsdecode keeps them)
_FORMAT = "\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb"
_UNSAFE = re.compile(f"[\x00-\x08\x0a-\x1f\x7f-\x9f{_FORMAT}\ud800-\udfff]")
FORMAT_CHARS = re.compile(f"[{_FORMAT}]")  # bidi, invisible and line-separating format characters
_UNSAFE_BUT_NEWLINE = re.compile(_UNSAFE.pattern.replace("\x0a-", "\x0b-"))


_NAMED = {"\n": "\\n", "\r": "\\r"}


def _escape(match: "re.Match[str]") -> str:
    char = match.group()
    code = ord(char)
    if 0xDC80 <= code <= 0xDCFF:  # an undecodable byte of a file name: shown as the byte it was
        return f"\\x{code - 0xDC00:02x}"
    return _NAMED.get(char) or (f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")


def visible(text: str) -> str:
    """One line of audited text with every control or invisible format character escaped."""
    if text.isascii() and text.isprintable():  # nearly every path and message: none to look for
        return text
    return _UNSAFE.sub(_escape, text)


def visible_lines(text: str) -> str:
    """A whole rendered report: the same, but its own line breaks kept."""
    return _UNSAFE_BUT_NEWLINE.sub(_escape, text)


def markdown_code(text: str) -> str:
    """``text`` as a Markdown code span: backticks in the text get a longer fence (CommonMark),
    so no path can close the span and turn the rest of it into markup. Inside a table, the cell
    writer still escapes pipes."""
    text = visible(text)
    fence = "`" * (max((len(run) for run in re.findall("`+", text)), default=0) + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"
