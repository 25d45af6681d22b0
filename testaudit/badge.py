"""The score badge: score → colour → SVG (from ``templates/badge.svg``) or shields.io endpoint JSON.

Pure functions, except :func:`write_badge`, which writes atomically and only when the content
changes (so a committed badge does not churn). Drawn offline: no network, no fonts read.

Colour thresholds, applied to the score as printed (one decimal):

| score      | colour      |
| ---------- | ----------- |
| ≥ 95       | brightgreen |
| ≥ 90       | green       |
| ≥ 75       | yellowgreen |
| ≥ 60       | yellow      |
| ≥ 40       | orange      |
| below 40   | red         |
"""
from __future__ import annotations

import json
import os
from decimal import Decimal
from importlib import resources
from string import Template
from typing import Tuple

from testaudit.atomic import write_text_atomic
from testaudit.score import format_score

LABEL = "test compliance"
FORMATS = ("svg", "shields")
COLORS: Tuple[Tuple[int, str, str], ...] = (
    (95, "brightgreen", "#4c1"),
    (90, "green", "#97ca00"),
    (75, "yellowgreen", "#a4a61d"),
    (60, "yellow", "#dfb317"),
    (40, "orange", "#fe7d37"),
    (0, "red", "#e05d44"),
)
# Verdana 11px advance widths (px) of the characters a badge shows; others count as 7.
_WIDTHS = {**{c: 7.0 for c in "0123456789"}, ".": 3.9, "%": 11.9, " ": 3.9, "-": 4.6,
           "a": 6.7, "b": 6.9, "c": 5.8, "d": 6.9, "e": 6.6, "f": 3.9, "g": 6.9, "h": 7.0, "i": 3.0,
           "j": 3.8, "k": 6.5, "l": 3.0, "m": 10.7, "n": 7.0, "o": 6.7, "p": 6.9, "q": 6.9, "r": 4.7,
           "s": 5.7, "t": 4.4, "u": 7.0, "v": 6.5, "w": 9.0, "x": 6.5, "y": 6.5, "z": 5.8}


def color(score: float) -> Tuple[str, str]:
    """(shields colour name, hex) for ``score``, judged at its printed precision."""
    shown = Decimal(format_score(score))
    for minimum, name, hex_ in COLORS:
        if shown >= minimum:
            return name, hex_
    return COLORS[-1][1], COLORS[-1][2]


def message(score: float) -> str:
    return f"{format_score(score)}%"


def _text_width(text: str) -> int:
    return round(sum(_WIDTHS.get(c, 7.0) for c in text))


def svg(score: float, label: str = LABEL) -> str:
    msg = message(score)
    label_w, msg_w = _text_width(label) + 10, _text_width(msg) + 10
    template = Template(resources.files("testaudit").joinpath("templates/badge.svg").read_text(encoding="utf-8"))
    return template.substitute(
        label=_xml_escape(label), message=msg, hex=color(score)[1],
        label_width=label_w, message_width=msg_w, total_width=label_w + msg_w,
        label_x=f"{label_w / 2:.1f}", message_x=f"{label_w + msg_w / 2:.1f}",
    )


def shields(score: float, label: str = LABEL) -> str:
    """The shields.io endpoint document: exactly schemaVersion, label, message and color."""
    doc = {"schemaVersion": 1, "label": label, "message": message(score), "color": color(score)[0]}
    return json.dumps(doc, indent=2) + "\n"


def render(score: float, fmt: str) -> str:
    if fmt not in FORMATS:
        raise ValueError(f"unknown badge format {fmt!r}; expected one of {', '.join(FORMATS)}")
    return svg(score) if fmt == "svg" else shields(score)


def write_badge(path: str, content: str) -> bool:
    """Write ``content`` to ``path`` unless it already holds exactly that; True when written."""
    try:
        # only a regular file is compared, and only as much of it as the badge could be (a
        # badge path linked to /dev/zero was read until memory ran out)
        if os.path.isfile(path) and os.path.getsize(path) <= 4 * len(content.encode("utf-8")) + 1024:
            with open(path, encoding="utf-8") as fh:
                if fh.read() == content:
                    return False
    except (OSError, UnicodeDecodeError):
        pass
    parent = os.path.dirname(os.path.abspath(path))
    os.makedirs(parent, exist_ok=True)
    write_text_atomic(path, content)
    return True


def _xml_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
