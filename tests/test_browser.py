"""The HTML report in a real browser: headless Chromium opens the report of fixtures_repo/,
with no console errors, and filtering by a rule shows only that rule's findings.

Needs Debian's ``chromium`` and ``chromium-driver`` (``.ci/run`` installs them when missing)
and selenium (the ``dev`` extra); skipped, saying what is missing, without them.
``TESTAUDIT_UPDATE=1`` also refreshes the screenshot the README shows.

Business Value Justification (BVJ):
- Segment: Platform/Internal (leads and reviewers opening CI artifacts)
- Business Goal: Stability
- Value Impact: the dashboard opens, draws and filters without errors on a real browser engine
- Strategic Impact: an artifact that opens cleanly is one people actually look at
"""
from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any, Iterator, Tuple

import pytest
from click.testing import CliRunner

from conftest import UPDATE, copy_fixtures, write_project
from testaudit.cli import main

CHROMIUM = next((p for p in (shutil.which("chromium"), "/usr/bin/chromium") if p and Path(p).exists()), None)
DRIVER = next((p for p in (shutil.which("chromedriver"), "/usr/bin/chromedriver") if p and Path(p).exists()), None)
SCREENSHOT = Path(__file__).resolve().parent / "snapshots" / "report.png"


def _missing() -> str:
    missing = [] if CHROMIUM else ["chromium (apt-get install chromium)"]
    if not DRIVER:
        missing.append("chromedriver (apt-get install chromium-driver)")
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("selenium (pip install -e '.[dev]')")
    return ", ".join(missing)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    missing = _missing()
    if missing:
        pytest.skip(f"headless-browser test skipped: missing {missing}; .ci/run installs them")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--window-size=1280,1700", "--hide-scrollbars"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(str(DRIVER)), options=options)
    try:
        yield driver
    finally:
        driver.quit()


def open_report(driver: Any, path: Path) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(path.as_uri())
    WebDriverWait(driver, 30).until(lambda d: d.execute_script("return document.documentElement.dataset.ready") == "1",
                                    "the report's script never finished")


def console_errors(driver: Any) -> list:
    return [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"]


def report_of(project: Path, out: Path) -> Tuple[Path, dict]:
    res = CliRunner().invoke(main, ["check", str(project), "--format", "html", "-o", str(out), "-j", "1",
                                    "--exit-zero"])
    assert res.exit_code == 0, res.output
    res = CliRunner().invoke(main, ["check", str(project), "--format", "json", "-j", "1", "--exit-zero"])
    return out, json.loads(res.stdout)


def test_fixtures_report_opens_cleanly_and_filters_by_rule(browser: Any, tmp_path: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    page, doc = report_of(copy_fixtures(tmp_path), tmp_path / "report.html")
    open_report(browser, page)
    shot = tmp_path / "report.png"
    assert browser.save_screenshot(str(shot)) and shot.stat().st_size > 10_000
    if UPDATE:
        shutil.copyfile(shot, SCREENSHOT)
    assert console_errors(browser) == []
    total = doc["summary"]["findings"]
    items = browser.find_elements(By.CSS_SELECTOR, "#finding-list > li")
    assert len(items) == min(total, 200)
    assert browser.find_element(By.ID, "score").text == str(doc["summary"]["score"])

    counts = doc["summary"]["counts"]
    rule = max(counts, key=lambda code: (counts[code], code))
    select = Select(browser.find_element(By.ID, "f-rule"))
    select.select_by_visible_text(next(o.text for o in select.options if o.text.startswith(rule + " ")))
    items = browser.find_elements(By.CSS_SELECTOR, "#finding-list > li")
    assert len(items) == counts[rule]
    assert {li.get_attribute("data-rule") for li in items} == {rule}
    assert browser.find_element(By.ID, "match-count").text == f"{counts[rule]} of {total} findings match"

    path_box = browser.find_element(By.ID, "f-path")
    path_box.send_keys("scenarios/")
    expected = sum(1 for f in doc["findings"] if f["code"] == rule and "scenarios/" in f["path"])
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(browser, 5).until(
        lambda b: len(b.find_elements(By.CSS_SELECTOR, "#finding-list > li")) == expected,
        "the path filter did not apply")

    browser.find_element(By.CSS_SELECTOR, "#dir-rows button[data-open]").click()  # drill into a directory
    rows = browser.find_elements(By.CSS_SELECTOR, "#dir-rows tr")
    assert rows and browser.find_elements(By.CSS_SELECTOR, "#crumbs button")[-1].text in doc["summary"]["directories"]
    assert console_errors(browser) == []


def test_hostile_code_does_not_run_in_the_report(browser: Any, tmp_path: Path) -> None:
    from test_html_report import HOSTILE_MODULE

    project = write_project(tmp_path / "p", {
        "tests/integration/test_hostile.py": HOSTILE_MODULE,
        'tests/integration/test_<img src=x onerror="window.__pwned=1">.py': "def test_x():\n    pass\n",
    })
    page, _ = report_of(project, tmp_path / "hostile.html")
    open_report(browser, page)
    browser.execute_script("document.querySelectorAll('details.hint').forEach(function (d) { d.open = true; })")
    browser.execute_script("document.querySelector('#dir-rows button[data-open]').click()")
    assert browser.execute_script("return window.__pwned") is None
    assert "window.__pwned=1" in browser.execute_script("return document.getElementById('finding-list').textContent")
    assert console_errors(browser) == []
