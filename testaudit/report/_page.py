"""Shared by the HTML outputs (dashboard, trend): escaping, the JSON data block and the page shell.

The page is ``templates/report.html`` with ``<!--TA:NAME-->`` markers filled in one pass, the
CSS of ``templates/report.css`` inline, and a Content-Security-Policy that allows no network
access and runs only the page's own script (by its SHA-256).
"""
from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from importlib import resources
from typing import Any, Dict

from testaudit.report.escape import FORMAT_CHARS

_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_MARKER = re.compile(r"<!--TA:([A-Z]+)-->")


def visible(text: str) -> str:
    """``text`` with control characters shown as symbols (ESC → ␛, NUL → ␀, C1 and lone
    surrogates → U+FFFD), and bidi and invisible format characters as their escapes
    (``\\u202e``): terminal escapes in audited code stay inert and visible, and a bidi override
    cannot reorder what a reviewer reads."""
    def sub(m: "re.Match[str]") -> str:
        c = ord(m.group())
        return chr(0x2400 + c) if c < 0x20 else ("\u2421" if c == 0x7F else "\ufffd")
    return FORMAT_CHARS.sub(lambda m: f"\\u{ord(m.group()):04x}", _CONTROL.sub(sub, text))


def esc(value: object) -> str:
    """Text for HTML content or a quoted attribute."""
    return html.escape(visible(str(value)), quote=True)


def script_json(value: Any) -> str:
    """JSON safe inside ``<script type="application/json">``: no ``<``, ``>`` or ``&`` (so no
    ``</script>`` or ``<!--``), and no U+2028/U+2029."""
    text = _SURROGATE.sub("\ufffd", json.dumps(value, ensure_ascii=False, separators=(",", ":")))
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def asset(name: str) -> str:
    return resources.files("testaudit").joinpath(f"templates/{name}").read_text(encoding="utf-8")


def fill(template: str, parts: Dict[str, str]) -> str:
    """Replace ``<!--TA:NAME-->`` markers in one pass (inserted text is never scanned again)."""
    return _MARKER.sub(lambda m: parts[m.group(1)], template)


def page(title: str, body: str, data: Any, script: str) -> str:
    """The whole document: template, inline CSS, the data block and the script, whose hash is
    the only one the Content-Security-Policy lets run."""
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    return fill(asset("report.html"), {
        "TITLE": esc(title), "CSS": asset("report.css"), "BODY": body, "DATA": script_json(data),
        "SCRIPT": script, "CSP": f"default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                                 f"script-src 'sha256-{digest}'"})


