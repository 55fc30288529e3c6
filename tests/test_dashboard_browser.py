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
LEVER_LABEL = "Mediators in total (people)"
SCALE = 0.05
SEARCH = Path(__file__).parent / "data" / "dashboard_search"

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


def _shot(page, name: str, height: int = 1000) -> None:
    """The page; Solara scrolls inside its layout, so a tall page needs a tall window."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1400, "height": height})
    page.wait_for_timeout(300)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)
    page.set_viewport_size({"width": 1400, "height": 1000})


def _fill(page, label: str, value: str) -> None:
    box = page.get_by_label(label, exact=True)
    box.fill(value)
    box.press("Enter")


def _cli_summary(tmp_path: Path, overrides: list[str], seed: int) -> dict:
    out = tmp_path / "cli"
    sets = [x for o in overrides for x in ("--set", o)]
    command = [sys.executable, "-m", "sim", "run", "--scale", str(SCALE), "--seed", str(seed)]
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


def _start_comparison(page, lever_label: str, value: int, seed: int) -> None:
    _fill(page, lever_label, str(value))
    page.get_by_text("changes: ").first.wait_for()
    page.get_by_role("tab", name="Compare").click()
    _fill(page, "Replications (seeds)", "1")
    _fill(page, "First seed", str(seed))
    _fill(page, "Population scale (0.05 for a quick look)", str(SCALE))
    page.get_by_role("button", name="Run the comparison").click()


TWO_TABS = (  # (lever, its label, value, seed) of each tab
    ("staffing.mediators_total", "Mediators in total (people)", 2500, 3),
    ("staffing.grid_officers", "Grid officers (people)", 3000, 4),
)


def test_two_tabs_compare_at_once_and_each_equals_the_cli(server, browser, tmp_path):
    """Two tabs run at once; each tab's table equals `sim run` of its own lever and seed
    (so neither shows the other's results)."""
    url, outputs = server
    pages = [_open(browser, url) for _ in TWO_TABS]
    _shot(pages[0], "1-scenario", 2400)
    for page, (_, label, value, seed) in zip(pages, TWO_TABS, strict=True):
        _start_comparison(page, label, value, seed)
    for page in pages:
        page.locator(".run-done").wait_for(timeout=150_000)
    _shot(pages[0], "2-compare")
    for k, (page, (key, _, value, seed)) in enumerate(zip(pages, TWO_TABS, strict=True)):
        page.get_by_role("tab", name="Results").click()
        page.locator("#key-outcomes").wait_for()
        page.locator(".js-plotly-plot").first.wait_for()  # the map
        shown = _table_cells(page)
        cli = _cli_summary(tmp_path / f"tab{k}", [f"{key}={value}"], seed)
        for outcome in ("received_by_centres", "centre_resolution_rate", "court_cases"):
            assert shown[outcome][2] == OUTCOME[outcome].format(cli[outcome]), (k, outcome)
    _shot(pages[0], "3-results", 4200)
    pages[0].locator(".language-switch").click()
    pages[0].get_by_role("tab", name="结果").click()
    table = pages[0].locator("#key-outcomes")
    table.wait_for()
    assert OUTCOME["received_by_centres"].zh in table.inner_text()
    _shot(pages[0], "3-results-zh", 4200)
    assert len(list(outputs.glob("dashboard/*/runs/runs.parquet"))) == len(TWO_TABS)
    for page in pages:
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


def test_a_bad_value_is_shown_by_its_field_and_a_run_can_be_cancelled(server, browser):
    url, outputs = server
    before = set(outputs.glob("dashboard/*"))
    page = _open(browser, url)
    _fill(page, LEVER_LABEL, "abc")
    field = page.locator(".lever-staffing-mediators_total")
    field.get_by_text("'abc' is not a number").wait_for()
    _shot(page, "7-field-error")
    _fill(page, LEVER_LABEL, "5000")
    page.get_by_role("tab", name="Compare").click()
    _fill(page, "Replications (seeds)", "20")
    _fill(page, "Population scale (0.05 for a quick look)", "1")
    page.get_by_role("button", name="Run the comparison").click()
    page.locator(".progress-text").wait_for()
    page.get_by_role("button", name="Cancel").click()
    page.get_by_text("Cancelled: nothing was written.").wait_for()
    assert set(outputs.glob("dashboard/*")) == before
    page.close()


def test_the_optimise_page_opens_a_search(server, browser):
    url, _ = server
    page = _open(browser, url)
    page.get_by_role("tab", name="Optimise").click()
    folder = "Folder of a search (sim optimise --out)"
    _fill(page, folder, "/no/such/folder")
    page.get_by_role("button", name="Open").click()
    page.locator(".search-error").wait_for()
    _fill(page, folder, str(SEARCH))
    page.get_by_role("button", name="Open").click()
    page.locator(".js-plotly-plot").first.wait_for()
    policy = page.locator("#search-policy")
    policy.wait_for()
    assert "extra public cost" in policy.inner_text()
    _shot(page, "6-optimise", 1600)
    page.close()


def test_browser_tools_are_there_in_ci():
    if os.environ.get("CI"):
        assert shutil.which("chromium") or os.path.exists(CHROMIUM)
