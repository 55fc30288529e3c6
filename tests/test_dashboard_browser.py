"""The dashboard in a real browser: Playwright drives Debian's Chromium (headless) against
`sim dashboard` started on a free port.

Validation: the numbers the Results page shows for a policy equal a `sim run` of the same
scenario, levers and seed (an independent path through the CLI); the zh switch shows
Chinese labels; a broken upload shows its error and leaves the scenario as it was.
Screenshots of every page go to outputs/screenshots/ (look at them).

Skipped where Chromium or Playwright is missing, except under CI (CI=true), where a
missing browser is a failure: .ci/run installs it.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from sim.results.outcomes import OUTCOME

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SHOTS = Path(__file__).resolve().parents[1] / "outputs" / "screenshots"
LEVER = "staffing.mediators_total"
LEVER_LABEL = "Mediators in total (people)"
SEED, SCALE, VALUE = 3, 0.05, 2500

playwright_api = pytest.importorskip("playwright.sync_api") if not os.environ.get("CI") else None
if playwright_api is None:
    import playwright.sync_api as playwright_api

pytestmark = pytest.mark.skipif(
    not os.path.exists(CHROMIUM) and not os.environ.get("CI"), reason="no /usr/bin/chromium"
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    outputs = tmp_path_factory.mktemp("dash-outputs")
    port = _free_port()
    log = open(outputs.parent / "dashboard.log", "w")  # noqa: SIM115 (closed below)
    process = subprocess.Popen(
        [sys.executable, "-m", "sim", "dashboard", "--port", str(port), "--outputs", str(outputs)],
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=outputs.parent,
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2)
            break
        except OSError:
            if process.poll() is not None:
                break
            time.sleep(0.3)
    else:
        process.kill()
        pytest.fail("the dashboard did not start within 60 s")
    if process.poll() is not None:
        pytest.fail(f"the dashboard exited: {(outputs.parent / 'dashboard.log').read_text()}")
    yield url, outputs
    process.terminate()
    process.wait(timeout=20)
    log.close()


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    profile = tmp_path_factory.mktemp("chromium-profile")
    with playwright_api.sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(profile),
            executable_path=CHROMIUM,
            args=FLAGS,
            headless=True,
            viewport={"width": 1400, "height": 1000},
        )
        yield context
        context.close()


def _open(browser, url):
    page = browser.new_page()
    page.set_default_timeout(30_000)
    page.goto(url)
    page.get_by_text(LEVER_LABEL).first.wait_for()
    return page


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _fill(page, label: str, value: str) -> None:
    box = page.get_by_label(label, exact=True)
    box.fill(value)
    box.press("Enter")


def _cli_summary(tmp_path: Path, overrides: list[str]) -> dict:
    out = tmp_path / "cli"
    sets = [x for o in overrides for x in ("--set", o)]
    command = [sys.executable, "-m", "sim", "run", "--scale", str(SCALE), "--seed", str(SEED)]
    subprocess.run([*command, *sets, "--quiet", "--out", str(out)], check=True, capture_output=True)
    return pq.read_table(out / "summary.parquet").to_pylist()[0]


def _table_cells(page) -> dict[str, list[str]]:
    rows = page.locator("#key-outcomes tbody tr")
    cells = {}
    for k in range(rows.count()):
        row = rows.nth(k)
        key = row.get_attribute("data-key")
        cells[str(key)] = [c.inner_text() for c in row.locator("td").all()]
    return cells


def test_a_comparison_in_the_browser_equals_the_cli(server, browser, tmp_path):
    url, outputs = server
    page = _open(browser, url)
    _shot(page, "1-scenario")
    _fill(page, LEVER_LABEL, str(VALUE))
    page.get_by_text("changes: staffing.mediators_total").first.wait_for()
    page.get_by_role("tab", name="Compare").click()
    _fill(page, "Replications (seeds)", "1")
    _fill(page, "First seed", str(SEED))
    _fill(page, "Population scale (0.05 for a quick look)", str(SCALE))
    page.get_by_role("button", name="Run the comparison").click()
    page.locator(".run-done").wait_for(timeout=150_000)
    _shot(page, "2-compare")
    page.get_by_role("tab", name="Results").click()
    page.locator("#key-outcomes").wait_for()
    page.wait_for_timeout(1500)  # the map and the figures
    _shot(page, "3-results")
    shown = _table_cells(page)
    policy = _cli_summary(tmp_path, [f"{LEVER}={VALUE}"])
    for key in ("received_by_centres", "centre_resolution_rate", "court_cases", "petitions"):
        assert shown[key][2] == OUTCOME[key].format(policy[key]), key
    assert len(list(outputs.glob("dashboard/*/runs/runs.parquet"))) == 1
    page.close()


def test_the_chinese_switch_labels_the_page(server, browser):
    url, _ = server
    page = _open(browser, url)
    page.locator(".language-switch").click()
    page.get_by_text("人民调解员", exact=False).first.wait_for()
    assert page.get_by_role("tab", name="情景").count() == 1
    _shot(page, "4-scenario-zh")
    page.close()


def test_a_broken_upload_shows_its_error(server, browser, tmp_path):
    url, _ = server
    page = _open(browser, url)
    broken = tmp_path / "broken.toml"
    broken.write_text("[staffing]\nmediators_total = -5\n", encoding="utf-8")
    page.locator(".upload-box input[type=file]").first.set_input_files(str(broken))
    error = page.locator(".upload-error")
    error.wait_for()
    assert "mediators_total" in error.inner_text()
    assert "hohhot-2023" in page.get_by_text("Scenario in use").first.inner_text()
    _shot(page, "5-upload-error")
    page.close()


def test_the_optimise_page_opens_a_search(server, browser):
    url, _ = server
    page = _open(browser, url)
    page.get_by_role("tab", name="Optimise").click()
    _fill(page, "Folder of a search (sim optimise --out)", "/no/such/folder")
    page.get_by_role("button", name="Open").click()
    page.locator(".search-error").wait_for()
    _shot(page, "6-optimise")
    page.close()


def test_browser_tools_are_there_in_ci():
    if os.environ.get("CI"):
        assert shutil.which("chromium") or os.path.exists(CHROMIUM)
