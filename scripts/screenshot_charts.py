"""Screenshots of every chart of the HTML report and of the dashboard, to look at before a release.

Builds the report (the standard run; ``--preset quick`` for a faster one), opens
``report.html`` in headless Chromium and saves each chart as ``report-<section>-<n>.png``; then
starts the dashboard on a free local port, runs every analysis and tab and saves each chart as
``dashboard-<name>.png``. Each chart is measured as it is shown: its size, every pair of texts
drawn over each other (tick labels, titles, legend, annotations) and every text cut off by the
chart's edge. The browser test (``tests/web/test_browser.py``) uses the same functions on a
small report.

Needs the ``report`` and ``web`` extras, Playwright and Debian's Chromium
(``apt-get install chromium``). Prints one line per chart and exits with 1 when a chart is too
small or has overlapping or cut-off text.

Usage::

    .venv/bin/python scripts/screenshot_charts.py [--out test-artifacts/screenshots]
        [--preset standard|quick|publication] [--shiller shiller.csv] [--no-dashboard]
"""

from __future__ import annotations

import argparse
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Locator, Page, Playwright, ViewportSize

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
#: Browser window of every screenshot (the report's charts are then 1288 or 636 px wide).
VIEWPORT: ViewportSize = {"width": 1400, "height": 1000}
#: Smallest chart that counts as drawn, in CSS pixels.
MIN_WIDTH, MIN_HEIGHT = 300, 200
#: Two texts overlap when their boxes share more than this many pixels in both directions.
OVERLAP_TOLERANCE_PX = 1.0

# Every visible, non-empty SVG text of a plotly chart with its box in page pixels, and the box
# of the chart itself.
_TEXT_BOXES_JS = """
(el) => {
  const out = [];
  for (const t of el.querySelectorAll("svg text")) {
    const text = (t.textContent || "").trim();
    if (!text) continue;
    let hidden = false;
    for (let n = t; n && n !== el; n = n.parentElement) {
      const st = getComputedStyle(n);
      if (st.display === "none" || st.visibility === "hidden" || Number(st.opacity) === 0) {
        hidden = true;
        break;
      }
    }
    const r = t.getBoundingClientRect();
    if (hidden || r.width < 1 || r.height < 1) continue;
    out.push({text, cls: t.getAttribute("class") || "", x: r.left, y: r.top, w: r.width,
              h: r.height});
  }
  const svg = el.querySelector(".main-svg").getBoundingClientRect();
  return {texts: out, chart: {x: svg.left, y: svg.top, w: svg.width, h: svg.height}};
}
"""


@dataclass(frozen=True)
class ChartShot:
    """One chart as shown: its screenshot, its size, and its overlapping or cut-off texts."""

    name: str
    path: Path
    width: float
    height: float
    traces: int
    texts: int
    overlaps: tuple[tuple[str, str], ...]
    clipped: tuple[str, ...] = ()

    @property
    def problems(self) -> list[str]:
        """What is wrong with the chart (empty when it reads well)."""
        out = []
        if self.width < MIN_WIDTH or self.height < MIN_HEIGHT:
            out.append(f"only {self.width:.0f}x{self.height:.0f} px")
        if self.traces == 0:
            out.append("nothing drawn")
        out += [f"{a!r} overlaps {b!r}" for a, b in self.overlaps]
        out += [f"{t!r} runs off the chart" for t in self.clipped]
        return out


def overlapping(
    boxes: list[dict[str, Any]], tol: float = OVERLAP_TOLERANCE_PX
) -> list[tuple[str, str]]:
    """Pairs of texts whose boxes (``x, y, w, h``) intersect by more than ``tol`` px each way."""
    pairs = []
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            dx = min(a["x"] + a["w"], b["x"] + b["w"]) - max(a["x"], b["x"])
            dy = min(a["y"] + a["h"], b["y"] + b["h"]) - max(a["y"], b["y"])
            if dx > tol and dy > tol:
                pairs.append((a["text"], b["text"]))
    return pairs


def _inside(box: dict[str, Any], frame: dict[str, Any], tol: float = OVERLAP_TOLERANCE_PX) -> bool:
    """Whether ``box`` lies within ``frame`` (both ``x, y, w, h``), give or take ``tol`` px."""
    return bool(
        box["x"] >= frame["x"] - tol
        and box["y"] >= frame["y"] - tol
        and box["x"] + box["w"] <= frame["x"] + frame["w"] + tol
        and box["y"] + box["h"] <= frame["y"] + frame["h"] + tol
    )


def shoot(chart: Locator, path: Path) -> ChartShot:
    """Screenshot one plotly chart element to ``path`` and measure it."""
    chart.scroll_into_view_if_needed()
    chart.locator(".main-svg").first.wait_for(state="visible")
    path.parent.mkdir(parents=True, exist_ok=True)
    chart.screenshot(path=str(path))
    box = chart.bounding_box() or {"width": 0.0, "height": 0.0}
    found = chart.evaluate(_TEXT_BOXES_JS)
    texts, svg = found["texts"], found["chart"]
    traces = chart.locator(".scatterlayer .trace, .barlayer .trace").count()
    return ChartShot(
        path.stem,
        path,
        float(box["width"]),
        float(box["height"]),
        traces,
        len(texts),
        tuple(overlapping(texts)),
        tuple(t["text"] for t in texts if not _inside(t, svg)),
    )


def launch(pw: Playwright) -> Browser:
    """Headless Debian Chromium."""
    return pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)


def _clear(out: Path, prefix: str) -> None:
    """Remove earlier screenshots with ``prefix``, so the folder shows this run only."""
    for old in out.glob(f"{prefix}*.png"):
        old.unlink()


def shoot_report(page: Page, html: Path, out: Path) -> list[ChartShot]:
    """Open a report file and screenshot each ``.chart`` as ``report-<section>-<n>.png``.

    Earlier ``report-*.png`` files in ``out`` are removed first.
    """
    _clear(out, "report-")
    page.goto(html.resolve().as_uri())
    charts = page.locator(".chart")
    n = charts.count()
    page.wait_for_function(f"document.querySelectorAll('.chart .main-svg').length >= {n}")
    shots = []
    for i in range(n):
        chart = charts.nth(i)
        key = str(chart.get_attribute("id")).removeprefix("fig-")
        shots.append(shoot(chart, out / f"report-{key}.png"))
    return shots


def _ready(page: Page, selector: str, timeout_ms: float = 120_000) -> None:
    page.locator(selector).first.wait_for(state="attached", timeout=timeout_ms)


def select_nasdaq(page: Page) -> str:
    """Open the "Analyse a series" tab and select the bundled NASDAQ; returns its option value.

    The option's value is matched without regard to case (the dashboard has named it
    ``nasdaq`` and ``NASDAQ``).
    """
    page.click("button[data-tab=analyse]")
    find = "[...document.querySelectorAll('#series option')].map(o => o.value)"
    page.wait_for_function(f"{find}.some(v => v.toLowerCase() === 'nasdaq')")
    value = str(page.evaluate(f"{find}.find(v => v.toLowerCase() === 'nasdaq')"))
    page.select_option("#series", value)
    return value


def shoot_dashboard(page: Page, url: str, out: Path, *, status: bool = False) -> list[ChartShot]:
    """Run every analysis and tab of the dashboard at ``url`` and screenshot each chart.

    The analyses run on the bundled NASDAQ (PSY monthly with 199 replications; LPPLS on
    1998-2000 so the fit stays quick); then the network and a stress test, the Firms tab's three
    charts, the GPU and power charts, the base scenario with 2,000 paths, and the water
    analysis in the "All analyses"
    tab (a registry entry with no hand-written page). With ``status``, first the "Status now"
    tab's chart, where the dashboard has one (its first reading computes backtest records and
    can take minutes). Earlier ``dashboard-*.png`` files in ``out`` are removed first.
    """
    _clear(out, "dashboard-")
    page.goto(url + "/")
    shots = []
    if status and page.locator("#status-chart").count():
        page.click("button[data-tab=status]")
        _ready(page, "#status-chart .main-svg", timeout_ms=600_000)
        shots.append(shoot(page.locator("#status-chart"), out / "dashboard-status.png"))
    select_nasdaq(page)
    page.select_option("#frequency", "M")
    page.fill("#reps", "199")
    for analysis in ("psy", "drawdown", "runup", "gauge", "lppls"):
        page.select_option("#analysis", analysis)
        if analysis != "gauge":  # the gauge reads the whole history (dates disabled)
            page.fill("#start", "1998-01-01" if analysis == "lppls" else "")
            page.fill("#end", "2000-03-10" if analysis == "lppls" else "")
        page.click("#run")
        _ready(page, f"#chart[data-ready={analysis}] .main-svg")
        shots.append(shoot(page.locator("#chart"), out / f"dashboard-{analysis}.png"))
    page.click("button[data-tab=network]")
    _ready(page, "#network-chart .main-svg")
    shots.append(shoot(page.locator("#network-chart"), out / "dashboard-network.png"))
    page.click("#stress-form button[type=submit]")
    _ready(page, "#stress-chart .main-svg")
    shots.append(shoot(page.locator("#stress-chart"), out / "dashboard-stress.png"))
    page.click("button[data-tab=firms]")
    _ready(page, "#firms-tables[data-ready]")
    for part in ("firms", "firms-runway", "firms-flattered"):
        _ready(page, f"#{part}-chart .main-svg")
        shots.append(shoot(page.locator(f"#{part}-chart"), out / f"dashboard-{part}.png"))
    page.click("button[data-tab=economy]")
    _ready(page, "#gpu-chart .main-svg")
    _ready(page, "#power-chart .main-svg")
    shots.append(shoot(page.locator("#gpu-chart"), out / "dashboard-gpu.png"))
    shots.append(shoot(page.locator("#power-chart"), out / "dashboard-power.png"))
    page.click("button[data-tab=scenario]")
    _ready(page, "#param-kappa")
    page.click("#scenario-run")
    _ready(page, "#scenario-chart[data-ready] .main-svg")
    shots.append(shoot(page.locator("#scenario-chart"), out / "dashboard-scenario.png"))
    page.click("button[data-tab=registry]")
    _ready(page, "#registry-analysis option[value=water]")
    page.select_option("#registry-analysis", "water")
    page.click("#registry-run")
    _ready(page, "#registry-chart[data-ready=water] .main-svg")
    shots.append(shoot(page.locator("#registry-chart"), out / "dashboard-registry-water.png"))
    return shots


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve_dashboard() -> Iterator[str]:
    """The dashboard (uvicorn in a thread on a free local port); yields its URL."""
    import uvicorn

    from bubblescope.web import create_app

    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline:
            raise RuntimeError("the dashboard did not start within 30 s")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def main(argv: list[str] | None = None) -> int:
    """Build the report, screenshot every chart of it and of the dashboard, report problems."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=Path("test-artifacts/screenshots"))
    parser.add_argument("--preset", default="standard", help="run settings preset")
    parser.add_argument("--shiller", type=Path, help="Shiller monthly CSV (gauge, CAPE baseline)")
    parser.add_argument("--no-dashboard", action="store_true", help="only the report's charts")
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    from bubblescope.report import ReportContext, ReportSettings, build_report, write_html
    from bubblescope.settings import RunSettings

    settings = ReportSettings(run=RunSettings.preset(args.preset))
    print(f"building the report ({args.preset} run) ...", flush=True)
    report = build_report(ReportContext(settings=settings, shiller=args.shiller))
    shots: list[ChartShot] = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        html = write_html(report, Path(tmp) / "report.html")
        browser = launch(pw)
        try:
            shots += shoot_report(browser.new_page(viewport=VIEWPORT), html, args.out)
            if not args.no_dashboard:
                with serve_dashboard() as url:
                    page = browser.new_page(viewport=VIEWPORT)
                    shots += shoot_dashboard(page, url, args.out, status=True)
        finally:
            browser.close()
    bad = 0
    for shot in shots:
        problems = shot.problems
        bad += bool(problems)
        state = "; ".join(problems) if problems else "ok"
        print(f"{shot.path}  {shot.width:.0f}x{shot.height:.0f}  {state}")
    print(f"{len(shots)} charts in {args.out}, {bad} with problems")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
