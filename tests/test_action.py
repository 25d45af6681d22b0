"""The GitHub Action (`action.yml`, issue 32): its shell steps run here as the runner would run
them — bash -eo pipefail, `GITHUB_OUTPUT` / `GITHUB_STEP_SUMMARY` / `GITHUB_PATH` files in a temp
dir — on a scratch git project; the `uses:` steps (cache, SARIF upload) are checked for what they
are given. Also: the versions the README pastes resolve to tags of this repository.

Business Value Justification (BVJ):
- Segment: teams adopting testaudit in CI
- Business Goal: Adoption
- Value Impact: a CI gate with annotations, job summary, SARIF and badge in one `uses:` line
- Strategic Impact: the snippet in the README works as pasted, so the first CI run is not a debugging session
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional

import jsonschema
import pytest
import yaml

from conftest import write_project
from test_reports import GITHUB_SARIF
from testaudit._version import __version__

REPO = Path(__file__).resolve().parent.parent
ACTION = yaml.safe_load((REPO / "action.yml").read_text(encoding="utf-8"))
EXPR = re.compile(r"\$\{\{\s*(.*?)\s*\}\}")
BVJ = ('"""Doc.\n\nBusiness Value Justification (BVJ):\n- Segment: Free\n- Business Goal: Growth\n'
       '- Value Impact: x\n- Strategic Impact: y\n"""\nimport os\n\n\n')


class Runner:
    """Just enough of the Actions runner for this action's expressions and shell steps."""

    def __init__(self, tmp: Path, workspace: Path, inputs: Dict[str, str]) -> None:
        self.tmp = tmp
        self.workspace = workspace
        self.inputs = {name: spec.get("default", "") for name, spec in ACTION["inputs"].items()}
        unknown = set(inputs) - set(self.inputs)
        assert not unknown, f"not inputs of the action: {unknown}"
        self.inputs.update(inputs)
        self.outputs: Dict[str, Dict[str, str]] = {}
        self.summary = tmp / "step_summary.md"
        self.summary.write_text("", encoding="utf-8")
        self.path_file = tmp / "github_path"
        self.path_file.write_text("", encoding="utf-8")
        (tmp / "runner_temp").mkdir()
        self.context = {"runner.temp": str(tmp / "runner_temp"), "runner.os": "Linux", "github.sha": "0" * 40,
                        "github.action_path": str(REPO)}

    def value(self, expr: str) -> Any:
        """An expression of the kinds this action uses: inputs, step outputs, runner and github
        context, string literals, ==, !=, &&, always() (hashFiles is not used: it cannot see runner.temp)."""
        def name(match: "re.Match[str]") -> str:
            token = match.group(0)
            if token.startswith("inputs."):
                return repr(self.inputs[token[len("inputs."):]])
            if token.startswith("steps."):
                _, step, _, key = token.split(".", 3)
                return repr(self.outputs.get(step, {}).get(key, ""))
            if token in self.context:
                return repr(self.context[token])
            raise AssertionError(f"expression this test does not know: {token} in {expr!r}")

        python = re.sub(r"'[^']*'|[a-z]+(?:\.[A-Za-z0-9_-]+)+", lambda m: m.group(0) if m.group(0).startswith("'")
                        else name(m), expr)
        python = python.replace("always()", "True").replace("&&", " and ").replace("||", " or ")
        return eval(python, {"__builtins__": {}})  # noqa: S307 - our own action.yml, parsed above

    def text(self, template: str) -> str:
        return EXPR.sub(lambda m: str(self.value(m.group(1))), str(template))

    def run(self) -> List[str]:
        """Runs the steps in order; returns the names of those that ran."""
        ran = []
        for step in ACTION["runs"]["steps"]:
            if "if" in step and not self.value(step["if"]):
                continue
            ran.append(step["name"])
            if "uses" in step:
                continue
            assert step["shell"] == "bash"
            assert "${{" not in step["run"], "inputs reach scripts through env:, never pasted into the code"
            output = self.tmp / f"output_{len(ran)}"
            output.write_text("", encoding="utf-8")
            extra_path = [p for p in self.path_file.read_text(encoding="utf-8").splitlines() if p]
            inherited = dict(os.environ)  # testaudit: ignore[TA301] (the runner passes its environment on)
            env = {**inherited, "GITHUB_OUTPUT": str(output), "GITHUB_STEP_SUMMARY": str(self.summary),
                   "GITHUB_PATH": str(self.path_file), "RUNNER_TEMP": self.context["runner.temp"],
                   "GITHUB_ACTION_PATH": str(REPO), "GITHUB_WORKSPACE": str(self.workspace),
                   "PATH": os.pathsep.join(extra_path + [str(Path(sys.executable).parent), inherited["PATH"]])}
            env.update({k: self.text(v) for k, v in step.get("env", {}).items()})
            cwd = self.workspace / self.text(step.get("working-directory", "."))
            proc = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
                                  cwd=cwd, env=env, capture_output=True, text=True)
            self.last = proc
            if "id" in step:
                self.outputs[step["id"]] = dict(line.split("=", 1) for line in
                                                output.read_text(encoding="utf-8").splitlines() if "=" in line)
            if proc.returncode != 0:
                self.failed = (step["name"], proc.returncode, proc.stderr)
                break
        else:
            self.failed = None
        return ran


def _project(tmp_path: Path) -> Path:
    """A scratch git project: one complying test module, one with a TA301."""
    root = write_project(tmp_path / "work", {
        "tests/test_ok.py": BVJ + "def test_ok():\n    assert 1 + 1 == 2\n",
        "tests/test_env.py": BVJ + "def test_env():\n    assert os.environ.get('X') is None\n"})
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    return root


def _run(tmp_path: Path, **inputs: str) -> Runner:
    runner = Runner(tmp_path, _project(tmp_path), {"install": "false", **inputs})
    runner.ran = runner.run()  # type: ignore[attr-defined]
    return runner


def test_a_failing_run_still_publishes_summary_sarif_and_badge_then_fails_the_job(tmp_path: Path) -> None:
    runner = _run(tmp_path, paths="tests", **{"fail-under": "90", "badge": "docs/badge.svg"})
    assert runner.ran == ["Restore the testaudit cache", "Check", "Upload SARIF", "Write the badge", "Gate"]
    assert runner.failed is not None and runner.failed[:2] == ("Gate", 1)
    sarif_path = tmp_path / "runner_temp" / "testaudit.sarif"
    assert runner.outputs["check"] == {"exit-code": "1", "score": "50.0", "sarif": str(sarif_path)}
    summary = runner.summary.read_text(encoding="utf-8")
    assert "50.0%" in summary and "**FAILED**: compliance score 50.0 is below the fail-under threshold 90" in summary
    sarif = json.loads(sarif_path.read_text(encoding="utf-8"))
    jsonschema.validate(sarif, GITHUB_SARIF)
    assert [r["ruleId"] for r in sarif["runs"][0]["results"]] == ["TA301"]
    assert sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == \
        "tests/test_env.py"
    badge = (runner.workspace / "docs" / "badge.svg").read_text(encoding="utf-8")
    assert "50.0%" in badge and badge.startswith("<svg")


def test_a_passing_run_passes_and_writes_a_shields_endpoint(tmp_path: Path) -> None:
    runner = _run(tmp_path, **{"fail-under": "40", "badge": "badge.json", "upload-sarif": "false",
                               "args": "--select TA4"})
    assert runner.failed is None, runner.failed
    assert "Upload SARIF" not in runner.ran
    assert runner.outputs["check"]["exit-code"] == "0"
    assert runner.outputs["check"]["score"] == "100.0"  # --select TA4: both comply
    assert json.loads((runner.workspace / "badge.json").read_text(encoding="utf-8"))["message"] == "100.0%"


def test_a_usage_error_fails_with_exit_2_and_no_badge(tmp_path: Path) -> None:
    runner = _run(tmp_path, badge="badge.svg", args="--select NOPE")
    assert runner.failed is not None and runner.failed[:2] == ("Gate", 2)
    assert "Write the badge" not in runner.ran and not (runner.workspace / "badge.svg").exists()


def test_the_uses_steps_get_what_they_need(tmp_path: Path) -> None:
    steps = {s["name"]: s for s in ACTION["runs"]["steps"]}
    runner = Runner(tmp_path, tmp_path, {"working-directory": "proj"})
    cache = steps["Restore the testaudit cache"]
    assert cache["uses"].startswith("actions/cache@")
    assert runner.text(cache["with"]["path"]) == "proj/.testaudit_cache"
    assert runner.text(cache["with"]["restore-keys"]) == "testaudit-Linux-"
    assert runner.text(cache["with"]["key"]).startswith(runner.text(cache["with"]["restore-keys"]))
    upload = steps["Upload SARIF"]
    assert upload["uses"].startswith("github/codeql-action/upload-sarif@")
    runner.outputs["check"] = {"sarif": "/x/testaudit.sarif"}
    assert runner.text(upload["with"]["sarif_file"]) == "/x/testaudit.sarif"
    install = steps["Install testaudit"]["run"]
    assert '"$GITHUB_ACTION_PATH"' in install and "$GITHUB_PATH" in install


@pytest.mark.skipif(not shutil.which("git"), reason="git is not installed")
def test_the_versions_the_readme_pastes_are_tags_of_this_repository() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    revs = set(re.findall(r"^\s*rev: (\S+)", readme, re.M))
    uses = set(re.findall(r"uses: \S*/testaudit@(\S+)", readme))
    major = f"v{__version__.split('.')[0]}"
    assert revs == {f"v{__version__}"}
    assert uses == {major}
    tags = _tags()
    if tags is None:
        pytest.skip("not a git checkout with tags (a shallow or exported copy)")
    assert {f"v{__version__}", major} <= tags, f"tag v{__version__} and {major}: git tag v{__version__} && git tag -f {major}"


def _tags() -> Optional[set]:
    proc = subprocess.run(["git", "-C", str(REPO), "tag", "--list", "v*"], capture_output=True, text=True)
    tags = set(proc.stdout.split())
    return tags if proc.returncode == 0 and tags else None
