"""Open a testaudit HTML report in headless Chromium: time to load, console errors, and whether
filtering by each rule lists exactly that rule's findings (and how long the filter takes).

    python benchmarks/open_report.py report.html [--screenshot out.png] [--chromium /usr/bin/chromium]
        [--driver /usr/bin/chromedriver]

Needs selenium (the dev extra) and Debian's chromium + chromium-driver. Exits 1 on a console
error or a wrong filter result.
"""
from __future__ import annotations

import argparse
import os
import sys
import time


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("report")
    ap.add_argument("--screenshot")
    ap.add_argument("--chromium", default="/usr/bin/chromium")
    ap.add_argument("--driver", default="/usr/bin/chromedriver")
    args = ap.parse_args()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By

    options = webdriver.ChromeOptions()
    options.binary_location = args.chromium
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,1700"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(args.driver), options=options)
    bad = 0
    try:
        size = os.path.getsize(args.report)
        start = time.monotonic()
        driver.get("file://" + os.path.abspath(args.report))
        while driver.execute_script("return document.documentElement.dataset.ready") != "1":
            if time.monotonic() - start > 120:
                raise SystemExit("the report's script did not finish in 120 s")
            time.sleep(0.02)
        loaded = time.monotonic() - start
        timing = driver.execute_script(
            "var t = performance.timing; return [t.responseEnd - t.navigationStart, "
            "t.domContentLoadedEventEnd - t.navigationStart, t.loadEventEnd - t.navigationStart]")
        print(f"{args.report}: {size / 1e6:.1f} MB; ready after {loaded:.2f} s "
              f"(navigation timing: response {timing[0]} ms, DOMContentLoaded {timing[1]} ms, load {timing[2]} ms)")
        if args.screenshot:
            driver.save_screenshot(args.screenshot)
        rules = driver.execute_script("var s = document.getElementById('f-rule'); var out = [];"
                                      "for (var i = 1; i < s.options.length; i++) out.push([s.options[i].value, s.options[i].text]);"
                                      "return out;")
        for value, text in rules:
            code, expected = text.split(" ", 1)[0], int(text.rsplit("(", 1)[1].rstrip(")"))
            began = time.monotonic()
            driver.execute_script("var s = document.getElementById('f-rule'); s.value = arguments[0];"
                                  "s.dispatchEvent(new Event('change'));", value)
            took = time.monotonic() - began
            shown = driver.execute_script(
                "var out = {}; document.querySelectorAll('#finding-list > li').forEach(function (li) {"
                "out[li.dataset.rule] = (out[li.dataset.rule] || 0) + 1; }); return out;")
            count = driver.find_element(By.ID, "match-count").text
            ok = set(shown) == {code} and shown[code] == min(expected, 200) and count.startswith(f"{expected} of ")
            bad += not ok
            print(f"  filter {code}: {count!r}, first page {shown}, {took * 1000:.0f} ms {'OK' if ok else 'WRONG'}")
        errors = [e for e in driver.get_log("browser") if e.get("level") == "SEVERE"]
        print(f"console errors: {len(errors)}")
        for e in errors:
            print(f"  {e.get('message')}")
        bad += len(errors)
    finally:
        driver.quit()
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
