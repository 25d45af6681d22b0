"""Audited text that reaches an output is escaped for that format (SPEC §11, issue 8 item 6):
terminal escape sequences, control characters, bidi overrides, rich/Markdown/HTML/XML markup and
GitHub workflow commands planted in code, string literals and file names stay inert, and every
output stays well-formed.

Business Value Justification (BVJ):
- Segment: Platform/Internal (CI pipelines auditing untrusted pull requests)
- Business Goal: Stability
- Value Impact: a hostile branch cannot rewrite a reviewer's terminal or forge CI annotations
- Strategic Impact: reports people can trust to show what is in the code, and nothing else
"""
from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Dict

import pytest
from click.testing import CliRunner

from conftest import run_project, write_project
from testaudit.cli import main

BVJ = '"""Hostile.\n\nBusiness Value Justification (BVJ):\n- Segment: Platform\n"""\n'  # TA403: incomplete
ESC_NAME = "tests/integration/test_\x1b[31mred [b]x <i>&`|.py"
HOSTILE = (BVJ + "import os\nfrom unittest.mock import MagicMock\nfrom shared.types import UserID\n\n\n"
           "def test_x():\n"
           "    m = MagicMock()  # [link=http://evil]click[/link] \x1b[31mRED\x1b[0m \x07 "
           "\x1b]8;;http://evil\x1b\\x\x1b]8;;\x1b\\ ::error::pwn %0A \u202e</failure>]]>\x0b\x0c\u2028end\n"
           '    assert os.environ["\x1b[2J[bold]X[/bold]</script>"]\n'
           '    assert UserID("[red]te\x1bst\x07-user</a> | `x` \u2028\\n::warning::forged")\n')
LITERAL = "[red]te\x1bst\x07-user</a> | `x` \u2028\\n::warning::forged"  # as written in the source
# what no human-facing output may carry raw: C0/C1 controls but tab and newline, bidi and separators
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2066-\u2069]")
SGR = re.compile("\x1b\\[[0-9;]*m")  # the colours rich itself writes with --color


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write_project(tmp_path, {"tests/integration/test_hostile.py": HOSTILE, ESC_NAME: BVJ + "import os\n\n\n"
                                    "def test_y():\n    assert os.environ['A']\n"})


def render(root: Path, fmt: str, *extra: str) -> str:
    res = CliRunner().invoke(main, ["check", str(root), "--no-cache", "--format", fmt, "-o", str(root / f"out.{fmt}"),
                                    *extra], catch_exceptions=False)
    assert res.exit_code == 1, res.output
    return (root / f"out.{fmt}").read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", ["text", "concise", "github", "markdown", "junit"])
def test_no_raw_control_characters_reach_human_facing_outputs(project: Path, fmt: str) -> None:
    out = render(project, fmt)
    assert RAW.findall(out) == []
    if fmt != "markdown":  # the markdown report names modules, not findings
        assert "\\x1b" in out  # shown, escaped, not dropped: the reviewer sees what is there


def test_colored_text_has_only_its_own_colours(project: Path) -> None:
    out = render(project, "text", "--color")
    assert SGR.search(out)  # colour is on
    assert RAW.findall(SGR.sub("", out)) == []


def test_text_shows_markup_and_escapes_verbatim_on_the_right_lines(project: Path) -> None:
    out = render(project, "text")
    assert "[link=http://evil]click[/link] \\x1b[31mRED\\x1b[0m \\x07 \\x1b]8;;http://evil" in out
    environ = "os." + "environ"  # (spelled apart: this file must not read like environment access itself)
    assert f'    assert {environ}["\\x1b[2J[bold]X[/bold]</script>"]' in out
    assert "test_\\x1b[31mred [b]x <i>&`|.py" in out
    # the form feed, vertical tab and U+2028 inside line 12 are not line ends: line 13 is line 13
    assert re.search(r"13 \|     assert os\.environ\[", out)
    frame = re.search(r"\n( +13 \| .*)\n( +)(\^+)\n", out)
    assert frame and frame.group(1)[len(frame.group(2)):].startswith(environ)


def test_concise_is_one_line_per_finding(project: Path) -> None:
    lines = render(project, "concise").splitlines()
    result = run_project(project)
    assert len(lines) == len(result.findings) + len(result.warnings)
    assert all(re.match(r"tests/\S", line) for line in lines)
    literal = LITERAL.replace("\x1b", "\\x1b").replace("\x07", "\\x07").replace("\u2028", "\\u2028")
    assert any(literal.replace("\n", "\\n") in line for line in lines)


def test_github_commands_cannot_be_forged(project: Path) -> None:
    lines = render(project, "github").splitlines()
    result = run_project(project)
    commands = [line for line in lines if line.startswith("::")]
    assert len(commands) == len(result.findings) and len(lines) == len(commands) + 1  # + the summary
    assert all(re.match(r"::(error|warning|notice) file=[^:]*::", line) for line in commands)
    assert not any(line.startswith("::warning::forged") for line in lines)
    hostile = [line for line in commands if "TA701" in line][0]
    assert "%0A::warning::forged" in hostile and "%250A" not in hostile.split("::", 2)[1]
    named = [line for line in commands if "red [b]x" in line][0]
    assert "file=tests/integration/test_\\x1b[31mred [b]x <i>&`|.py," in named


def test_markdown_keeps_its_tables(project: Path) -> None:
    out = render(project, "markdown")
    rows = [line for line in out.splitlines() if line.startswith("| ")]
    for row in rows:  # every row has as many cells as its table's header
        cells = re.split(r"(?<!\\)\|", row.strip())[1:-1]
        assert len(cells) in (3, 4, 6), row
    assert "| ``tests/integration/test_\\x1b[31mred [b]x <i>&`\\|.py`` |" in out  # backtick-safe span


def test_junit_is_well_formed_and_carries_the_escaped_text(project: Path) -> None:
    out = render(project, "junit")
    tree = ET.fromstring(out)
    failures = tree.findall(".//failure")
    assert len(failures) == len(run_project(project).findings)
    text = " ".join((f.get("message") or "") + (f.text or "") for f in failures)
    assert "\\x1bst\\x07-user</a>" in text  # as text: ElementTree escaped the markup


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_json_outputs_are_lossless_and_valid(project: Path, fmt: str) -> None:
    data: Dict = json.loads(render(project, fmt))
    text = json.dumps(data, ensure_ascii=False)
    assert LITERAL.replace("\n", "\\n").replace("\x1b", "\\u001b").replace("\x07", "\\u0007") in text


def test_a_form_feed_does_not_shift_suppressions(tmp_path: Path) -> None:
    source = (BVJ.replace("- Segment: Platform\n", "- Segment: Platform\n- Business Goal: Stability\n"
                          "- Value Impact: x\n- Strategic Impact: y\n")
              + "import os\n\x0c\nX = 1  # \u2028 page break, vertical tab \x0b too\n\n\n"
              "def test_env():\n    assert os.environ['A']  # testaudit: ignore[TA301]\n")
    root = write_project(tmp_path, {"tests/test_ff.py": source})
    result = run_project(root)
    assert [(f.code, f.location.line) for f in result.findings] == []
    assert result.suppressed == 1


def test_directory_names_in_the_summary_are_escaped_and_never_markup(tmp_path: Path) -> None:
    """The text summary's directory scores printed names raw: terminal escapes reached the
    terminal and rich read `[bold]` as markup."""
    from click.testing import CliRunner

    from testaudit.cli import main

    hostile = "evil\x1b]0;pwned\x07[bold]x[red]"
    try:
        root = write_project(tmp_path, {f"{hostile}/test_a.py": "def test_a():\n    assert 1 + 1 == 2\n",
                                        "tests/test_b.py": "def test_b():\n    assert 1 + 1 == 2\n"})
    except OSError:
        pytest.skip("this file system refuses the name")
    res = CliRunner().invoke(main, ["check", str(root), "-j", "1", "--color"], catch_exceptions=False)
    line = next(line for line in res.output.splitlines() if line.startswith("By directory: "))
    assert "\x1b]" not in line and "\x07" not in line
    assert "evil\\x1b]0;pwned\\x07[bold]x[red]" in line
