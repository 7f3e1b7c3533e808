"""The dashboard and the HTML report in a real browser: Debian's Chromium, headless, Playwright.

Starts uvicorn on 127.0.0.1 (a free port) in a thread, runs PSY from the page and checks that
the chart is drawn and that the GSADF shown equals the engine's; then changes a scenario
parameter and checks the headline numbers shown equal the Monte Carlo's own. Every chart of
the dashboard and of a small report (the report tests' fast settings, opened from disk) is
screenshot into ``test-artifacts/screenshots/`` and must be drawn at a readable size with no
two texts (tick labels, titles, legend, annotations) over each other; the measuring is
``scripts/screenshot_charts.py``'s, which makes the same screenshots of the default report.
Full-page screenshots go to ``test-artifacts/``. Skips with the reason when Chromium or
Playwright is missing.
"""

from __future__ import annotations

import importlib.util
import re
import shutil
import socket
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any, cast

import pytest

from bubblescope.data import store
from bubblescope.data.bundled import load_bundled
from bubblescope.detect.critical_values import MonteCarloCV
from bubblescope.detect.exuberance import psy
from bubblescope.report import ReportContext, build_report, write_html
from bubblescope.scenario import load_scenario, run_scenario
from tests.report.conftest import FAST, ai_like_prices

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
SCREENSHOTS = ARTIFACTS / "screenshots"

pytestmark = pytest.mark.browser


def _load_shots() -> ModuleType:
    """``scripts/screenshot_charts.py`` (a script, not a package): its browser and measuring."""
    spec = importlib.util.spec_from_file_location(
        "screenshot_charts", ROOT / "scripts" / "screenshot_charts.py"
    )
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


shots = _load_shots()
CHROMIUM: str = shots.CHROMIUM


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(store_home: Path) -> Iterator[str]:
    uvicorn = pytest.importorskip("uvicorn")
    from bubblescope.web import create_app

    port = _free_port()
    srv = uvicorn.Server(
        uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not srv.started:
        if time.monotonic() > deadline:
            raise AssertionError("uvicorn did not start within 20 s")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    srv.should_exit = True
    thread.join(timeout=10)


@contextmanager
def _chromium_page() -> Iterator[object]:
    """A page of headless Chromium at the screenshots' viewport (skips when it is missing)."""
    if not Path(CHROMIUM).exists() or shutil.which(CHROMIUM) is None:
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright not installed")
    with sync_api.sync_playwright() as pw:
        browser = shots.launch(pw)
        try:
            yield browser.new_page(viewport=shots.VIEWPORT)
        finally:
            browser.close()


@pytest.fixture
def page(server: str) -> Iterator[object]:
    with _chromium_page() as pg:
        yield pg


@pytest.fixture
def report_page(store_home: Path) -> Iterator[object]:
    with _chromium_page() as pg:
        yield pg


def _assert_readable(taken: list[Any]) -> None:
    """Every chart drawn at a readable size with no overlapping text (all listed if not)."""
    assert taken
    problems = {shot.name: shot.problems for shot in taken if shot.problems}
    assert problems == {}, problems
    for shot in taken:
        assert shot.path.stat().st_size > 0
        assert shot.texts > 0  # tick labels at the least: the text check had something to check


def test_dashboard_runs_psy_and_draws_the_chart(page: object, server: str) -> None:
    from playwright.sync_api import Page, expect

    pg = cast(Page, page)
    ARTIFACTS.mkdir(exist_ok=True)
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.goto(server + "/")
    shots.select_nasdaq(pg)
    pg.select_option("#analysis", "psy")
    pg.select_option("#transform", "level")
    pg.select_option("#frequency", "M")
    pg.fill("#reps", "99")
    pg.click("#run")
    expect(pg.locator("#chart[data-ready=psy]")).to_have_count(1, timeout=60_000)
    # plotly drew an SVG with the price and BSADF lines.
    expect(pg.locator("#chart .main-svg").first).to_be_visible()
    assert pg.locator("#chart .scatterlayer .trace").count() >= 2
    monthly = load_bundled("nasdaq")["close"].resample("ME").last()
    expected = psy(monthly, cv=MonteCarloCV(reps=99, rng=20150401))
    expect(pg.locator("#numbers")).to_contain_text(f"{expected.gsadf:.3f}")
    expect(pg.locator("#numbers")).to_contain_text("yes" if expected.reject else "no")
    pg.screenshot(path=str(ARTIFACTS / "dashboard-psy.png"), full_page=True)

    # Upload a CSV from the page: it becomes the selected series; a malformed one shows the
    # server's message and the page keeps working.
    csv = "Date,Close\n" + "".join(f"2020-01-{d:02d},{100 + d}\n" for d in range(1, 29))
    pg.set_input_files(
        "#upload", files=[{"name": "mine.csv", "mimeType": "text/csv", "buffer": csv.encode()}]
    )
    expect(pg.locator("#series")).to_have_value(re.compile(r"^upload-[0-9a-f]{8}$"))
    pg.set_input_files(
        "#upload",
        files=[{"name": "bad.csv", "mimeType": "text/csv", "buffer": b"no,dates\nhere,either\n"}],
    )
    expect(pg.locator("#message")).to_contain_text("bad.csv")

    pg.click("button[data-tab=network]")
    expect(pg.locator("#network-chart .main-svg").first).to_be_visible(timeout=30_000)
    pg.click("#stress-form button[type=submit]")
    expect(pg.locator("#stress-summary")).to_contain_text("DebtRank", timeout=30_000)
    pg.screenshot(path=str(ARTIFACTS / "dashboard-network.png"), full_page=True)

    pg.click("button[data-tab=economy]")
    expect(pg.locator("#gpu-chart .main-svg").first).to_be_visible(timeout=30_000)
    expect(pg.locator("#power-chart .main-svg").first).to_be_visible(timeout=30_000)
    expect(pg.locator("#gpu-numbers")).to_contain_text("payback")
    pg.screenshot(path=str(ARTIFACTS / "dashboard-economy.png"), full_page=True)

    # Scenario tab: the preset's sourced kappa is shown; change it, run, and the headline
    # numbers equal the engine's run with the same override, paths and seed.
    pg.click("button[data-tab=scenario]")
    base = load_scenario("base")
    expect(pg.locator("#param-kappa")).to_have_value(f"{base.value('kappa'):g}", timeout=30_000)
    pg.fill("#param-kappa", "0.2")
    pg.fill("#scenario-paths", "1000")
    pg.click("#scenario-run")
    expect(pg.locator("#scenario-chart[data-ready=kappa]")).to_have_count(1, timeout=60_000)
    expect(pg.locator("#scenario-chart .main-svg").first).to_be_visible()
    res = run_scenario(base, n_paths=1000, rng=20260101, overrides={"kappa": 0.2})
    numbers = pg.locator("#scenario-numbers")
    expect(numbers).to_contain_text(f"{100 * res.bust_share_by_year()[-1]:.1f}%")
    expect(numbers).to_contain_text(str(res.median_bust_year()))
    expect(numbers).to_contain_text(f"{100 * cast(float, res.depth_quantiles()['p50']):.1f}%")
    expect(pg.locator("#scenario-inputs")).to_contain_text("user")
    pg.fill("#param-kappa", "1.5")
    pg.click("#scenario-run")
    expect(pg.locator("#scenario-message")).to_contain_text("overrides.kappa")
    pg.screenshot(path=str(ARTIFACTS / "dashboard-scenario.png"), full_page=True)
    assert errors == []


def test_every_dashboard_chart_is_drawn_readably(page: object, server: str) -> None:
    from playwright.sync_api import Page

    pg = cast(Page, page)
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    taken = shots.shoot_dashboard(pg, server, SCREENSHOTS)
    names = {shot.name for shot in taken}
    assert {"dashboard-psy", "dashboard-network", "dashboard-scenario"} <= names
    _assert_readable(taken)
    assert errors == []


def test_every_report_chart_is_drawn_readably(report_page: object, tmp_path: Path) -> None:
    from playwright.sync_api import Page

    pg = cast(Page, report_page)
    store.import_frame(ai_like_prices(), "prices")
    report = build_report(ReportContext(settings=FAST))
    html = write_html(report, tmp_path / "report.html")
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    taken = shots.shoot_report(pg, html, SCREENSHOTS)
    expected = [f"report-{s.key}-{i}" for s in report.sections for i in range(len(s.charts))]
    assert [shot.name for shot in taken] == expected
    _assert_readable(taken)
    assert errors == []


def test_firms_tab_shows_the_results_numbers_with_their_links(page: object, server: str) -> None:
    """The Firms tab: each balance-sheet value as Python formats it (the report's text),
    linked to the same filing or fact; firms without filings say n/a with the fetch command;
    a shock on Oracle re-runs the stress and the table follows the engine."""
    from playwright.sync_api import Page, expect

    from bubblescope.economy.firms.view import firms_view

    pg = cast(Page, page)
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.goto(server + "/")
    pg.click("button[data-tab=firms]")
    expect(pg.locator("#firms-tables[data-ready]")).to_have_count(1, timeout=60_000)
    rows = pg.eval_on_selector_all(
        "#firms-tables table:first-of-type tr",
        "trs => trs.slice(1).map(tr => [tr.cells[0].textContent,"
        " [...tr.cells].slice(1).map(td => [td.textContent,"
        " (td.querySelector('a') || {}).href || null])])",
    )
    shown = {name: cells for name, cells in rows}
    view = firms_view()
    checked = 0
    for firm in view.balance_sheets():
        if firm["kind"] != "listed":
            continue
        cells = shown[f"{firm['name']} ({firm['ticker']})"]
        if firm["fallback"]:
            assert cells[0][0] == f"n/a: {firm['fallback']}"
            continue
        for v, (text, href) in zip(firm["values"], cells, strict=True):
            if v["value_usd_bn"] is None:
                assert text == "n/a"
                continue
            assert text.startswith(f"{v['value_usd_bn']:,.2f}"), (firm["name"], v["item"])
            assert href == v["links"][0]["url"], (firm["name"], v["item"])
            checked += 1
    filed = [v for f in view.balance_sheets() if f["kind"] == "listed" for v in f["values"]]
    assert checked == sum(v["value_usd_bn"] is not None for v in filed) > 0
    pg.select_option("#firms-firm", "Oracle")
    pg.fill("#firms-fraction", "0")
    pg.click("#firms-run")
    expect(pg.locator("#firms-tables[data-ready='Oracle=0']")).to_have_count(1, timeout=60_000)
    oracle = firms_view(("Oracle=0",))
    defaults = ", ".join(r["firm"] for r in oracle.exposures() if r["default_round"] is not None)
    expect(pg.locator("#firms-numbers")).to_contain_text(defaults)
    pg.screenshot(path=str(ARTIFACTS / "dashboard-firms.png"), full_page=True)
    assert errors == []
