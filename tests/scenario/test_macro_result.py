"""Macro reference points from the fact base, and the result's outputs."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pytest

from bubblescope.charts import render_matplotlib, to_plotly
from bubblescope.data.facts import load_factbase
from bubblescope.scenario import (
    furman_reference,
    jpm_wealth_inputs,
    load_scenario,
    run_scenario,
    wealth_effect,
)


def test_jpmorgan_calibration_reproduces_95bn_for_a_10pct_fall() -> None:
    j = {k: v.value for k, v in jpm_wealth_inputs().items()}
    spec = load_scenario("base")
    we = wealth_effect(
        0.10,
        wealth_gain=j["wealth_gain"],
        spending_gain=j["spending_gain"],
        spending_gain_share=j["spending_gain_share"] / 100,
        ai_wealth_per_10pct=j["ai_wealth_per_10pct"],
        top10_consumption_share=spec.value("top10_consumption_share"),
        top10_wealth_effect_share=spec.value("top10_wealth_effect_share"),
    )
    assert we.wealth_loss == pytest.approx(1000 * j["ai_wealth_per_10pct"])
    # the MPC comes from JPMorgan's other reading (+5 USD tn -> +180 USD bn), so the $95B is
    # reproduced, not fitted; 3% covers the rounding of the published figures (97.2 vs ~95)
    assert we.spending_loss == pytest.approx(j["spending_loss_per_10pct"], rel=0.03)
    # 0.9% of consumption for 180 USD bn puts consumption at 20 USD tn; the top 10% spend ~49%
    assert we.consumption_share == pytest.approx(we.spending_loss / 20_000, rel=1e-12)


def test_wealth_effect_is_linear_in_the_fall() -> None:
    kw = dict(
        wealth_gain=5.0,
        spending_gain=180.0,
        spending_gain_share=0.009,
        ai_wealth_per_10pct=2.7,
        top10_consumption_share=0.492,
        top10_wealth_effect_share=0.87,
    )
    assert wealth_effect(0.3, **kw).spending_loss == pytest.approx(
        3 * wealth_effect(0.1, **kw).spending_loss
    )


def test_furman_ex_ai_growth_from_fact_inputs() -> None:
    ref = furman_reference()
    # 1.2% x (1 - 92%) = 0.096%; Furman publishes 0.1 (one decimal): within half a unit
    assert ref.ex_ai_growth == pytest.approx(ref.published_ex_ai.m_as("%"), abs=0.05)
    assert ref.ai_contribution_pp == pytest.approx(1.104, abs=1e-12)


@pytest.fixture(scope="module")
def result():  # type: ignore[no-untyped-def]
    return run_scenario("base", n_paths=800, rng=42, chunk_size=400)


def test_outputs_are_consistent_and_json_ready(result) -> None:  # type: ignore[no-untyped-def]
    share = result.bust_share_by_year()
    assert (np.diff(share) >= 0).all()
    assert share[-1] == pytest.approx(np.mean(result.busted))
    d = result.to_dict()
    text = json.dumps(d, allow_nan=False)
    assert "MOD-01" in text
    assert "assumption" in text
    assert d["bust"]["median_year"] == result.median_bust_year()
    frame = result.to_frame()
    assert list(frame.index) == list(result.years)
    np.testing.assert_allclose(
        frame["internal_mean"] + frame["debt_mean"] + frame["equity_mean"],
        frame["capex_mean"],
        rtol=1e-12,
    )
    summary = result.summary()
    assert "Bust within the horizon" in summary
    assert "JPMorgan" in summary
    assert "Furman" in summary


def test_gpu_life_context_comes_from_the_gpu_module(result) -> None:  # type: ignore[no-untyped-def]
    from bubblescope.economy.gpu import gpu_economics

    lives = result.to_dict()["legacy"]["gpu_lives"]
    assert lives["economic_life"] == 4.0  # DEP-14a, the preset's Burry-side life
    assert lives["h100_economic_life_rental_path"] == gpu_economics("H100").economic_life


def test_median_bust_year_is_the_median_of_bust_times(result) -> None:  # type: ignore[no-untyped-def]
    med = float(np.median(result.paths["bust_time"]))
    expected = None if not np.isfinite(med) else result.spec.start_year + int(med)
    assert result.median_bust_year() == expected


def test_chart_spec_and_plot(result) -> None:  # type: ignore[no-untyped-def]
    spec = result.chart_spec()
    assert len(spec.panels) == 5
    assert to_plotly(spec)["data"]
    fig = result.plot()
    assert len(fig.axes) >= 5
    import matplotlib.pyplot as plt

    plt.close(fig)


def _mpl_lines(result, title: str) -> list[Any]:  # type: ignore[no-untyped-def]
    """The matplotlib lines of the panel titled ``title``, in drawing order."""
    import matplotlib.pyplot as plt

    fig = render_matplotlib(result.chart_spec())
    ax = next(a for a in fig.axes if a.get_title(loc="left") == title)
    lines = list(ax.get_lines())
    box = ax.get_legend()
    assert box is not None
    legend = [t.get_text() for t in box.get_texts()]
    plt.close(fig)
    assert legend == [line.get_label() for line in lines]  # every line is in the legend
    return lines


def test_capex_panel_draws_the_plan_under_a_narrower_capex_line(result) -> None:  # type: ignore[no-untyped-def]
    """Capex equals the plan until funding or power binds, so the two lines must not hide
    each other: the plan is drawn first, wider and in another colour, and the lines drawn over
    capex are dashed or dotted and narrower, so capex shows around and between them."""
    frame = result.to_frame()
    capex, plan = frame["capex_median"].to_numpy(), frame["planned_median"].to_numpy()
    assert np.isclose(capex, plan, rtol=1e-9).any()  # this run has years where they coincide
    data = to_plotly(result.chart_spec())["data"]
    axis = next(t["yaxis"] for t in data if t["name"] == "capex (median)")
    traces = [t for t in data if t["yaxis"] == axis]  # the capex panel's, in drawing order
    names = [t["name"] for t in traces]
    assert names[:2] == ["plan (median)", "capex (median)"]
    under, over, *rest = (t["line"] for t in traces)
    np.testing.assert_array_equal(traces[1]["y"], capex)
    assert under["color"] != over["color"]
    assert under["width"] > over["width"]
    assert all(r["dash"] != "solid" and r["width"] < over["width"] for r in rest)
    lines = _mpl_lines(result, "Capex, USD bn")
    assert [line.get_label() for line in lines] == names
    assert lines[0].get_color() != lines[1].get_color()
    assert lines[0].get_linewidth() > lines[1].get_linewidth()
    assert all(
        line.get_linestyle() != "-" and line.get_linewidth() < lines[1].get_linewidth()
        for line in lines[2:]
    )


def test_gdp_panel_names_furmans_reference_line_with_its_value(result) -> None:  # type: ignore[no-untyped-def]
    """The dashed line is Furman's H1-2025 reading, 1.2% growth x 92% = 1.1 pp, in the
    legend of both renderers."""
    fb = load_factbase()
    expected = fb.value("MAC-02a", "%") * fb.value("MAC-02", "%") / 100.0
    label = f"H1 2025 (Furman, MAC-01/02): {expected:.1f} pp"
    data = to_plotly(result.chart_spec())["data"]
    gdp = next(t for t in data if t["name"] == "GDP contribution (median)")
    ref = next(t for t in data if t["name"] == label)
    assert ref["yaxis"] == gdp["yaxis"]
    assert ref.get("showlegend", True)
    assert ref["y"] == pytest.approx([expected] * len(result.years), abs=1e-12)
    assert ref["line"]["dash"] != gdp["line"]["dash"]
    lines = _mpl_lines(result, "AI capex contribution to GDP growth, pp")
    assert [line.get_label() for line in lines] == ["GDP contribution (median)", label]
    assert lines[1].get_ydata() == pytest.approx([expected] * len(result.years), abs=1e-12)


def test_bust_share_panel_reads_in_percent_on_a_fixed_0_to_100_axis(result) -> None:  # type: ignore[no-untyped-def]
    """The panel counts the busted paths itself: percent of paths with a bust year <= t.

    Fixed at 0-100% so its ticks read as shares of all paths (the data-derived range of a
    share between 4% and 85% left one tick, 0.5, on a short panel).
    """
    from bubblescope.charts import panel_yrange

    panel = next(p for p in result.chart_spec().panels if p.title.startswith("Share of paths"))
    bust_year = np.asarray(result.paths["bust_year"])
    counted = [
        100.0 * sum(1 for b in bust_year if 0 <= b <= t) / len(bust_year)
        for t in range(len(result.years))
    ]
    assert list(panel.lines[0].y) == pytest.approx(counted, abs=1e-12)
    assert panel_yrange(panel) == (0.0, 100.0)
    assert "%" in panel.ylabel
    assert 0.0 < counted[-1] < 100.0  # some paths bust and some do not: a range to show


def test_no_bust_scenario_reports_none_and_stays_json_ready() -> None:
    res = run_scenario(
        "base",
        n_paths=200,
        rng=1,
        chunk_size=200,
        overrides={
            "gap_onset_rate": 0.0,
            "crash_threshold": 0.99,
            "revenue_disappointment": 1.0,
            "internal_cash_start": 5000.0,
        },
    )
    assert not res.busted.any()
    assert res.median_bust_year() is None
    assert res.depth_quantiles()["p50"] is None
    assert res.distress()["mean_firms_in_default"] == 0.0
    json.dumps(res.to_dict(), allow_nan=False)
    assert "no path busts" in res.summary()


def test_sequoia_requirement_uses_the_valuation_module(result) -> None:  # type: ignore[no-untyped-def]
    from bubblescope.economy.valuation import sequoia_gap

    frame = result.to_frame()
    per = sequoia_gap(100.0, margin=result.spec.params["ai_gross_margin"]).required_revenue / 100
    assert per == pytest.approx(4.0)  # Sequoia: 1/s x 1/(1-m) with s = m = 0.5
    # the rule is defined on GPU spend: the GPU share of each capex dollar (issue 15)
    gpu = result.spec.value("gpu_share")
    np.testing.assert_allclose(frame["revenue_required_median"], per * gpu * frame["capex_median"])


@pytest.mark.cluster
def test_dask_equals_serial() -> None:
    pytest.importorskip("distributed")
    from bubblescope.parallel import dask_executor

    serial = run_scenario("base", n_paths=600, rng=9, chunk_size=200)
    executor = dask_executor(None, n_workers=2)
    try:
        dist = run_scenario("base", n_paths=600, rng=9, chunk_size=200, executor=executor)
    finally:
        executor.shutdown()
    for key in serial.paths:
        np.testing.assert_array_equal(serial.paths[key], dist.paths[key])


def test_dashboard_headline_states_the_base_rate_and_the_priced_growth(result) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("fastapi")
    from bubblescope.scenario.base_rate import base_crash_rate
    from bubblescope.scenario.pricing import priced_growth
    from bubblescope.web.scenario import KEY_PARAMETERS, headline

    head = headline(result)
    h0 = base_crash_rate(result.spec.value("crash_threshold")).rate
    assert head["base_rate_odds"] == pytest.approx(1.0 - np.exp(-h0 * len(result.years)))
    assert head["implied_growth"] == priced_growth(result.spec).implied_growth
    assert head["expected_growth"] == pytest.approx(
        np.expm1(result.spec.value("ai_revenue_growth"))
    )
    assert {"initial_overvaluation", "revenue_growth_surprise"} <= set(KEY_PARAMETERS)
    json.dumps(head, allow_nan=False)
