"""Incremental runs: after an edit, a warm run re-checks only what depends on the changed file,
and its report is byte for byte the report of a run without the cache.

Business Value Justification (BVJ):
- Segment: Platform/Internal (developers running testaudit on every save)
- Business Goal: Retention
- Value Impact: an edit re-checked in about a second instead of a full pass over the project
- Strategic Impact: a tool that answers while the developer waits stays in the editor loop
"""
from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Callable, Dict, List, Sequence

import pytest

from conftest import run_project, write_project
from testaudit import analyze, engine
from testaudit.report.json import to_dict

BVJ = ('"""Doc.\n\nBusiness Value Justification (BVJ):\n- Segment: Free\n- Business Goal: Growth\n'
       '- Value Impact: x\n- Strategic Impact: y\n"""\n')
CONFTEST = "import pytest\n\n\n@pytest.fixture\ndef client():\n    return object()\n"
MOCKING_CONFTEST = ("import pytest\nfrom unittest.mock import MagicMock\n\n\n@pytest.fixture\ndef client():\n"
                    "    return MagicMock()\n")
HELPER = "def make_client():\n    return object()\n"
MOCKING_HELPER = "from unittest.mock import MagicMock\n\n\ndef make_client():\n    return MagicMock()\n"
USES_FIXTURE = BVJ + "\n\ndef test_login(client):\n    assert client is not None\n"
USES_HELPER = BVJ + "from helpers.factory import make_client\n\n\ndef test_make():\n    assert make_client()\n"
USES_LATER = BVJ + "from helpers.later import thing\n\n\ndef test_later():\n    assert thing\n"
UNIT = BVJ + "\n\ndef test_value():\n    assert 1 + 1 == 2\n"


INTEGRATION = sorted(["tests/integration/conftest.py", "tests/integration/test_later.py"]
                     + [f"tests/integration/test_{kind}_{i}.py" for kind in ("fixture", "helper") for i in range(5)])


def _project(tmp_path: Path) -> Path:
    files = {f"tests/unit/test_{i}.py": UNIT for i in range(50)}
    files.update({f"tests/integration/test_fixture_{i}.py": USES_FIXTURE for i in range(5)})
    files.update({f"tests/integration/test_helper_{i}.py": USES_HELPER for i in range(5)})
    files.update({"tests/integration/conftest.py": CONFTEST, "helpers/__init__.py": "",
                  "helpers/factory.py": HELPER, "tests/integration/test_later.py": USES_LATER})
    return write_project(tmp_path, files)


def _report(root: Path, cache: bool) -> str:
    return json.dumps(to_dict(run_project(root, paths=["tests"], cache=cache)), indent=1, sort_keys=True)


def _append(rel: str, text: str) -> Callable[[Path], None]:
    return lambda root: (root / rel).write_text((root / rel).read_text(encoding="utf-8") + text, encoding="utf-8")


def _write(rel: str, text: str) -> Callable[[Path], None]:
    return lambda root: (root / rel).write_text(text, encoding="utf-8")


def _touch(rel: str) -> Callable[[Path], None]:
    return lambda root: os.utime(root / rel, None)


def _delete(rel: str) -> Callable[[Path], None]:
    return lambda root: (root / rel).unlink()


# (what the user does, the files a warm run re-checks (and walks the closures of) after it;
# None = not an incremental run)
EDITS = [
    ("a test body", _append("tests/unit/test_3.py", "\n\ndef test_more():\n    assert 2\n"),
     ["tests/unit/test_3.py"]),
    ("a test that starts reading the environment",
     _append("tests/unit/test_4.py", "\n\ndef test_env():\n    import os\n    assert os.environ['X']\n"),
     ["tests/unit/test_4.py"]),
    ("a conftest fixture that starts mocking", _write("tests/integration/conftest.py", MOCKING_CONFTEST),
     INTEGRATION),  # every test under a conftest depends on it
    ("a helper that starts patching", _write("helpers/factory.py", MOCKING_HELPER),
     sorted(f"tests/integration/test_helper_{i}.py" for i in range(5))),
    ("a module an import could not find is created", _write("helpers/later.py", "thing = 1\n"),
     ["tests/integration/test_later.py"]),
    ("that module deleted again", _delete("helpers/later.py"), ["tests/integration/test_later.py"]),
    ("a helper put back", _write("helpers/factory.py", HELPER),
     sorted(f"tests/integration/test_helper_{i}.py" for i in range(5))),
    ("a file touched, content kept", _touch("tests/unit/test_5.py"), []),
    # a change no other file can see (their outcomes read only its facts): it alone is re-checked
    ("a comment at the end of a conftest", _append("tests/integration/conftest.py", "\n# why client is plain\n"),
     ["tests/integration/conftest.py"]),
    ("a comment at the end of a helper", _append("helpers/factory.py", "\n# factories\n"), []),
    ("the helper then starts patching", _write("helpers/factory.py", MOCKING_HELPER),
     sorted(f"tests/integration/test_helper_{i}.py" for i in range(5))),
    ("a conftest created in a parent directory", _write("tests/conftest.py", MOCKING_CONFTEST.replace(
        "def client", "def other")), None),
]


@pytest.fixture()
def rechecked(monkeypatch: pytest.MonkeyPatch) -> List[Sequence[str]]:
    """The files each warm run re-checks (the per-file stage's checked files; runs are
    in-process), and whether its closure walk was bounded by them."""
    calls: List[Sequence[str]] = []
    real = engine._check

    def spy(files, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(sorted(f.rel for f in files))
        return real(files, *args, **kwargs)

    monkeypatch.setattr(engine, "_check", spy)
    return calls


@pytest.fixture()
def walked(monkeypatch: pytest.MonkeyPatch) -> List[Sequence[str]]:
    """The files each run walks the closures of (``run_signatures``' starting files)."""
    calls: List[Sequence[str]] = []
    real = engine.run_signatures

    def spy(rels, *args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(sorted(rels))
        return real(rels, *args, **kwargs)

    monkeypatch.setattr(engine, "run_signatures", spy)
    return calls


def test_after_every_edit_the_warm_report_is_the_uncached_one_and_only_what_depends_on_it_is_rechecked(
        tmp_path: Path, rechecked: List[Sequence[str]], walked: List[Sequence[str]]) -> None:
    root = _project(tmp_path)
    assert _report(root, cache=True) == _report(root, cache=False)
    walked.clear()
    reports: Dict[str, str] = {}
    for what, edit, expected in EDITS:
        edit(root)
        rechecked.clear()
        walked.clear()
        warm = _report(root, cache=True)
        warm_checked, warm_walked = list(rechecked), list(walked)
        assert warm == _report(root, cache=False), what
        reports[what] = warm
        if expected is None:
            continue
        assert warm_checked == ([expected] if expected else []), what
        # the closure walk covers the re-checked files only, not the whole run
        assert warm_walked == ([expected] if expected else []), what
        assert _report(root, cache=True) == warm, what  # and the next run is served whole
    codes = {what: {(f["path"], f["code"]) for f in json.loads(text)["findings"]} for what, text in reports.items()}
    assert ("tests/integration/test_fixture_0.py", "TA102") in codes["a conftest fixture that starts mocking"]
    assert ("tests/integration/test_helper_0.py", "TA102") in codes["a helper that starts patching"]
    assert ("tests/integration/test_helper_0.py", "TA102") not in codes["a helper put back"]
    assert ("tests/unit/test_4.py", "TA301") in codes["a test that starts reading the environment"]
    later = {c for p, c in codes["a module an import could not find is created"] if p.endswith("test_later.py")}
    gone = {c for p, c in codes["that module deleted again"] if p.endswith("test_later.py")}
    assert "TA202" in gone and "TA202" not in later


def test_an_edit_parses_only_the_edited_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = _project(tmp_path)
    _report(root, cache=True)
    parsed: List[str] = []
    real = analyze.analyze_file

    def spy(src, role="check"):  # type: ignore[no-untyped-def]
        parsed.append(src.rel)
        return real(src, role)

    monkeypatch.setattr(analyze, "analyze_file", spy)
    _append("tests/integration/conftest.py", "\n\n@pytest.fixture\ndef extra():\n    return 1\n")(root)
    _report(root, cache=True)
    assert parsed == ["tests/integration/conftest.py"]



def test_a_run_over_files_a_recorded_graph_holds_takes_their_signatures_from_it(
        tmp_path: Path, walked: List[Sequence[str]]) -> None:
    # verify checks some of its files again (TA101-TA103 widened); `--select`, or a pre-commit run
    # after a full check, is the same: the closures were walked once and nothing in them changed
    root = _project(tmp_path)
    _report(root, cache=True)
    walked.clear()

    def selected(rule: str, paths: Sequence[str], cache: bool) -> str:
        result = run_project(root, paths=list(paths), cache=cache, select=[rule])
        return json.dumps(to_dict(result), sort_keys=True)

    some = ["tests/integration", "tests/unit/test_1.py", "tests/unit/test_2.py"]
    for rule, paths in (("TA102", ["tests"]), ("TA101", some), ("TA801", ["tests/integration/test_fixture_0.py"])):
        assert selected(rule, paths, cache=True) == selected(rule, paths, cache=False), rule
    assert walked == []
    _write("tests/integration/conftest.py", MOCKING_CONFTEST)(root)  # the recorded closures no longer hold
    warm = selected("TA301", some, cache=True)
    assert walked == [sorted(some[1:] + INTEGRATION)] and warm == selected("TA301", some, cache=False)
    walked.clear()
    assert selected("TA101", ["tests/integration"], cache=True) == selected("TA101", ["tests/integration"], cache=False)
    assert walked == []  # the TA301 run's record serves


def test_signatures_taken_from_a_record_are_the_ones_a_walk_gives(tmp_path: Path) -> None:
    from testaudit.cache import Cache
    from testaudit.config import load_config
    from testaudit.plan import cache_keys, recorded_signatures, run_signatures
    from testaudit.model import FACTS
    from testaudit.tree import FileTree

    root = _project(tmp_path)
    _report(root, cache=True)
    config = load_config(root)
    facts_key = cache_keys(config, None, ())[FACTS]
    tree = FileTree(str(root), None)
    store = Cache.open(str(root), [])
    try:
        for rels in (["tests/unit/test_3.py"], ["tests/integration/test_helper_1.py", "tests/integration/conftest.py"],
                     sorted(INTEGRATION), ["helpers/factory.py"]):
            recorded = recorded_signatures(store, facts_key, rels, tree)
            walked = run_signatures(rels, tree, store, facts_key)
            assert recorded is not None, rels
            assert recorded.sigs == walked.sigs and recorded.chains == walked.chains, rels
            assert {k: sorted(v) for k, v in recorded.edges.items()} == {k: sorted(v) for k, v in walked.edges.items()}
        assert recorded_signatures(store, facts_key, ["tests/integration/nowhere.py"], tree) is None
    finally:
        store.close()
