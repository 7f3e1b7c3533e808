"""The report: self-contained HTML, sections present, numbers equal to the engines' own."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bubblescope.data.facts import load_factbase
from bubblescope.detect.critical_values import MonteCarloCV
from bubblescope.detect.exuberance import psy
from bubblescope.economy.depreciation import burry_case
from bubblescope.economy.network import load_network
from bubblescope.errors import BackendError
from bubblescope.report import Report, ReportContext, build_report, render_html, write_pdf
from bubblescope.report.sections import SECTIONS
from bubblescope.report.sections.psy import EXPLANATION
from tests.reference import SharedFiles
from tests.report.conftest import FAST, WATCH


def test_every_registered_section_is_built_in_order(built: Report) -> None:
    assert [s.key for s in built.sections] == [k for k, _ in SECTIONS]


def test_progress_reports_each_section(
    built: Report, progress_calls: list[tuple[int, int]]
) -> None:
    n = len(SECTIONS)
    assert progress_calls == [(i, n) for i in range(n + 1)]


def test_html_is_self_contained(built: Report) -> None:
    html = render_html(built)
    # No external scripts, stylesheets or images: the file must open offline.
    assert not re.search(r"<script[^>]+src=", html)
    assert not re.search(r"<link[^>]+href=", html)
    assert not re.search(r"<img[^>]+src=[\"']https?:", html)
    assert "Plotly.newPlot" in html
    assert "plotly.js" in html.lower()
    for section in built.sections:
        assert f'<section id="{section.key}">' in html
        assert section.title.replace("&", "&amp;") in html


def _monthly(close: pd.Series) -> pd.Series:
    """Last close of each month, dated at its trading day (independent of the engine)."""
    groups = close.groupby(close.index.to_period("M"))
    return pd.Series([g.iloc[-1] for _, g in groups], index=[g.index[-1] for _, g in groups])


def test_psy_numbers_match_the_engine_on_logs_and_levels(built: Report, report_home: Path) -> None:
    from bubblescope.data.bundled import load_bundled

    ps = FAST.run.psy
    dotcom = _monthly(load_bundled("nasdaq")["close"].loc["1990":"2002"])
    cv = MonteCarloCV(reps=ps.reps, rng=ps.seed)
    on_logs = psy(np.log(dotcom), cv=cv)
    on_levels = psy(dotcom, cv=cv)
    numbers = {n.label: n for n in built.section("psy").numbers}
    assert numbers["NASDAQ GSADF on log prices"].raw == pytest.approx(on_logs.gsadf, abs=0)
    assert numbers["NASDAQ GSADF on levels"].raw == pytest.approx(on_levels.gsadf, abs=0)
    html = render_html(built)
    assert f"{on_logs.gsadf:.3f}" in html
    assert f"{on_levels.gsadf:.3f}" in html
    # The plain-language note and a log/level pair of charts for each series (NASDAQ, NVDA, AIX).
    assert EXPLANATION[:60] in html
    assert len(built.section("psy").charts) == 6
    assert built.section("psy").side_by_side


def test_psy_section_and_status_page_read_the_same_test(built: Report) -> None:
    status = built.section("status").data
    nvda = next(r for r in status["rows"] if r["key"] == "NVDA")
    psy_data = built.section("psy").data["NVDA"]
    for key, transform in (("psy_log", "log"), ("psy_level", "level")):
        detail = nvda["readings"][key]["detail"]
        assert detail["gsadf"] == pytest.approx(psy_data[transform]["gsadf"], abs=0)
        assert detail["n"] == psy_data[transform]["n"]


def test_watched_series_enter_the_peak_comparison(built: Report) -> None:
    comparison = built.section("comparison")
    names = [row[0] for row in comparison.tables[0].rows]
    assert names == ["NASDAQ 1995–2002", "NVDA", "AIX", "AI basket"]
    # The dot-com peak of the NASDAQ Composite: 10 March 2000 (PROVENANCE.md of the shared data).
    assert comparison.tables[0].rows[0][1] == "2000-03-10"


def test_drawdown_cards_show_the_current_fall_not_the_deepest(built: Report) -> None:
    from bubblescope.data.bundled import load_bundled

    close = load_bundled("NVDA")["close"].to_numpy()
    now = 100 * (close[-1] / close.max() - 1)
    cards = {n.label.split(":")[0]: n for n in built.section("comparison").numbers}
    assert cards["NVDA"].raw == pytest.approx(now, abs=1e-9)
    assert "now below its highest close" in cards["NVDA"].label
    # the dot-com NASDAQ ended 2002 far below its peak but above its October 2002 trough
    row = built.section("comparison").tables[0].rows[0]
    assert float(row[3].rstrip("%")) > float(row[4].rstrip("%"))
    status = built.section("status").data
    nvda = next(r for r in status["rows"] if r["key"] == "NVDA")
    assert 100 * nvda["readings"]["drawdown"]["value"] == pytest.approx(now, abs=1e-9)


def test_unknown_watchlist_symbol_fails_its_row_only(report_home: Path) -> None:
    from bubblescope.report.sections import drawdowns, status

    ctx = ReportContext(settings=FAST, symbols=("NVDA", "NOPE"))
    section = status.build(ctx)
    rows = {r["key"]: r for r in section.data["rows"]}
    assert rows["NOPE"]["error"].startswith("unknown series 'NOPE'")
    assert rows["NVDA"]["error"] is None
    assert "not computed: unknown series" in section.html
    assert {n.label.split(":")[0] for n in drawdowns.build(ctx).numbers} >= {"NVDA"}


def test_a_damaged_shipped_file_fails_the_price_sections_only(
    report_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    from bubblescope.data import bundled
    from bubblescope.data.bundled import shipped_dir
    from bubblescope.report.sections import depreciation, network, psy, status

    copy = tmp_path / "shipped"
    shutil.copytree(shipped_dir(), copy)
    prices = copy / "prices.parquet"
    prices.write_bytes(prices.read_bytes()[:1000])
    monkeypatch.setenv("BUBBLESCOPE_SHIPPED_DIR", str(copy))
    for cached in (
        bundled._card_at,
        bundled._verified_table,
        bundled._grouped_prices,
        bundled._grouped_fundamentals,
    ):
        cached.cache_clear()
    try:
        report = build_report(
            ReportContext(settings=FAST, symbols=("NVDA",)),
            sections=(
                ("status", status.build),
                ("psy", psy.build),
                ("network", network.build),
                ("depreciation", depreciation.build),
            ),
        )
    finally:
        for cached in (
            bundled._card_at,
            bundled._verified_table,
            bundled._grouped_prices,
            bundled._grouped_fundamentals,
        ):
            cached.cache_clear()
    built = {s.key: s for s in report.sections}
    nvda = built["status"].data["rows"][0]
    assert "prices.parquet does not match its data card" in nvda["error"]
    assert built["psy"].title == "psy: not built"
    assert "does not match its data card" in built["psy"].intro
    assert built["network"].numbers
    assert built["depreciation"].numbers
    assert "does not match its data card" in render_html(report)


def test_economy_numbers_match_engines_and_cite_facts(built: Report) -> None:
    dep = {n.label: n for n in built.section("depreciation").numbers}
    # Burry's published claim: $176B understated over 2026-28 (fact DEP-01).
    assert dep["understated depreciation 2026–2028"].raw == pytest.approx(
        load_factbase().value("DEP-01"), rel=1e-9
    )
    assert dep["economic life implied by that figure"].raw == burry_case().implied_life
    net = {n.label: n for n in built.section("network").numbers}
    assert net["binding commitments"].raw == len(load_network().commitments)
    cited = {c["id"] for c in built.cited}
    assert {"DEP-01", "DEP-14"} <= cited
    html = render_html(built)
    assert 'href="#fact-DEP-01"' in html
    assert 'id="fact-DEP-01"' in html


def test_gauge_per_series_equals_the_engine(built: Report, report_home: Path) -> None:
    from bubblescope.data.bundled import load_shiller
    from bubblescope.gauge import bubble_gauge, shiller_proxies, stock_proxies
    from bubblescope.report.sections.gauge import MIN_HISTORY

    gauge = built.section("gauge")
    # The market gauge runs on the shipped Shiller table.
    market = bubble_gauge(shiller_proxies(load_shiller()))
    expected = market.reading(market.aggregate.dropna().index[-1])["aggregate"]
    assert gauge.numbers[0].label.startswith("US market")
    assert gauge.numbers[0].raw == pytest.approx(expected, abs=0)
    # The synthetic stored series has 33 months: too short, and the report says so.
    assert any(n.startswith("AIX: too short") for n in gauge.notes)
    frame = ReportContext(settings=FAST, symbols=WATCH).frames["NASDAQ"]
    res = bubble_gauge(stock_proxies(frame, name="NASDAQ"), min_history=MIN_HISTORY)
    expected = res.reading(res.aggregate.dropna().index[-1])["aggregate"]
    numbers = [n for n in gauge.numbers if n.label.startswith("NASDAQ: gauge reading")]
    assert numbers[0].raw == pytest.approx(expected, abs=0)


def test_market_gauge_with_shiller_data_reports_the_engine_reading(
    shared_file: SharedFiles,
) -> None:
    from bubblescope.data.shiller import load_shiller_table
    from bubblescope.gauge import bubble_gauge, shiller_proxies
    from bubblescope.report.sections import gauge

    path = shared_file("shiller/shiller_monthly_tidy.csv")  # a user's Shiller CSV
    section = gauge.build(ReportContext(settings=FAST, shiller=path, symbols=()))
    res = bubble_gauge(shiller_proxies(load_shiller_table(path)))
    expected = res.reading(res.aggregate.dropna().index[-1])["aggregate"]
    assert section.numbers[0].label.startswith("US market")
    assert section.numbers[0].raw == pytest.approx(expected, abs=0)
    assert len(section.charts) == 2


def test_pdf_without_weasyprint_is_a_backend_error(
    built: Report, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "weasyprint", None)
    with pytest.raises(BackendError, match="WeasyPrint"):
        write_pdf(built, tmp_path / "r.pdf")


def test_to_dict_is_json_ready(built: Report) -> None:
    import json

    from bubblescope.cli._common import to_jsonable

    payload = json.loads(json.dumps(to_jsonable(built.to_dict()), allow_nan=False))
    assert [s["key"] for s in payload["sections"]] == [s.key for s in built.sections]


def test_pdf_with_weasyprint(report_home: Path, tmp_path: Path) -> None:
    pytest.importorskip("weasyprint", reason="weasyprint not installed (the pdf extra)")
    from bubblescope.report.pdf import render_static_html
    from bubblescope.report.sections import depreciation

    small = build_report(
        ReportContext(settings=FAST, symbols=()), sections=(("depreciation", depreciation.build),)
    )
    static = render_static_html(small)
    # Figures are inline SVG from matplotlib and there is no script at all.
    assert "<svg" in static
    assert "<script" not in static
    data = write_pdf(small, tmp_path / "r.pdf").read_bytes()
    assert data.startswith(b"%PDF")
    assert len(data) > 20_000


def test_gpu_and_power_numbers_match_engines_and_published_projections(built: Report) -> None:
    from bubblescope.economy.gpu import gpu_economics

    gpu = {n.label: n for n in built.section("gpu").numbers}
    h100 = gpu_economics("H100")
    assert gpu["H100 full-cost break-even rent over the book life"].raw == h100.full_cost_price
    assert gpu["H100 (2023) payback"].raw == h100.payback_years
    power = {n.label: n for n in built.section("power").numbers}
    # IEA 'Energy and AI' base case: world data centres 945 TWh in 2030 (fact ENE-06).
    assert power["World DC (IEA): 2030 demand"].raw == pytest.approx(945.0)
    cited = {c["id"] for c in built.cited}
    assert {"GPU-10", "ENE-06"} <= cited


def test_valuation_reproduces_sequoias_published_figure(built: Report) -> None:
    val = {n.label: n for n in built.section("valuation").numbers}
    # Sequoia (Cahn, June 2024): "AI's $600B question" (fact VAL-08).
    assert val["revenue AI must earn (Sequoia, June 2024)"].raw == pytest.approx(600.0)
    assert "VAL-08" in {c["id"] for c in built.cited}


def test_a_too_short_stored_series_is_reported_not_fatal(store_home: Path) -> None:
    import pandas as pd

    from bubblescope.data import store
    from bubblescope.data.frames import canonical_frame
    from bubblescope.report.sections import drawdowns

    dates = pd.bdate_range("2024-01-01", periods=28)
    store.import_frame(
        canonical_frame(
            dates, np.linspace(100.0, 130.0, 28), symbol="TINY", source="test", adjusted=False
        ),
        "prices",
    )
    section = drawdowns.build(ReportContext(settings=FAST, symbols=("TINY",)))
    # A rising series never falls below its running peak.
    assert {n.label: n.raw for n in section.numbers}["TINY: maximum drawdown"] == 0.0
    assert any(n.startswith("TINY: no run-up analysis") and "too short" in n for n in section.notes)


def test_dotcom_lppls_fit_is_the_overviews(built: Report) -> None:
    from bubblescope.overview import _lppls
    from tests.report.conftest import FAST

    overview = _lppls(FAST.run).data
    report = built.section("lppls").data["dotcom"]["fit"]
    assert report["tc_days_after_t2"] == overview["tc_days_after_t2"]
    assert report["m"] == overview["m"]
    # the classic dot-com fit (stylised bounds, 750 days to 2000-03-10): tc about two months on
    assert 20 < report["tc_days_after_t2"] < 80
