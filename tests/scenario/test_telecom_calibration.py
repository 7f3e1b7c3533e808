"""The telecom 1996-2003 calibration (issue 15, Deliver 5) and the scenario field it needs.

``capex_history`` lets a scenario start before the DEP-14 capex path (2020 on): its entries
replace those vintages, and a malformed one is an error naming the field. The TEL- facts are
recomputed from the shipped data or their inputs; every parameter of the preset names a fact or
an assumption with its reason; and the calibration's bands are recomputed from the model's paths
(never typed in): the observed bust year, depth and capex collapse lie inside them, or the
result and the report section say where they miss.
"""

from __future__ import annotations

import doctest
import html
import json
import math
import re
from functools import cache
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from bubblescope.analyses.registry import get
from bubblescope.data.bundled import load_bundled, load_shiller
from bubblescope.data.facts import load_factbase
from bubblescope.errors import InputError
from bubblescope.report.sections import generated
from bubblescope.scenario import load_scenario, run_scenario
from bubblescope.scenario.calibration import (
    BAND,
    CAPEX_FACTS,
    OVERVALUATION_PROFILE,
    SURVIVED_FACTS,
    TelecomCalibrationResult,
    calibrate_telecom,
    observed_telecom,
)
from bubblescope.scenario.runner import model_inputs


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "s.yaml"
    path.write_text("extends: base\n" + body, encoding="utf-8")
    return path


def test_capex_history_replaces_the_dep14_vintages(tmp_path: Path) -> None:
    spec = load_scenario(
        _write(
            tmp_path,
            "start_year: 1998\ncapex_history:\n"
            "  1995: {value: 30, unit: USD bn, assumption: a test vintage}\n"
            "  1996: {value: 35, unit: USD bn, assumption: a test vintage}\n",
        )
    )
    inputs = model_inputs(spec)
    # the given vintages, then capex_base for the year before the start
    np.testing.assert_array_equal(inputs.hist_capex, [30.0, 35.0, spec.value("capex_base")])
    # depreciation runs over every vintage year and every simulated year
    assert inputs.dep_durable.shape == (3 + spec.horizon_years,) * 2


def test_without_capex_history_a_start_before_the_dep14_path_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="start_year"):
        model_inputs(load_scenario(_write(tmp_path, "start_year: 1996\n")))


@pytest.mark.parametrize(
    ("body", "match"),
    [
        ("capex_history: [1, 2]\n", "capex_history"),
        ("capex_history:\n  1990: {value: 1, unit: USD bn, assumption: x}\n", "ending at 2024"),
        ("capex_history:\n  2024: {value: 1, unit: USD bn}\n", "capex_history.2024"),
        ("capex_history:\n  2024: {value: -1, unit: USD bn, assumption: x}\n", "2024"),
    ],
)
def test_a_bad_capex_history_names_the_field(tmp_path: Path, body: str, match: str) -> None:
    with pytest.raises(InputError, match=match):
        load_scenario(_write(tmp_path, body))


# --- the facts, recomputed where the shipped data or their inputs allow -----------------------

BASE = load_factbase()


def _nasdaq() -> pd.Series:
    return load_bundled("NASDAQ")["close"]


def test_nasdaq_peak_trough_and_fall_recompute_from_the_shipped_closes() -> None:
    close = _nasdaq()
    boom = close["1995":"2001"]
    peak_day = boom.index[int(np.argmax(boom.to_numpy()))]
    after = close[peak_day:"2003"]
    trough_day = after.index[int(np.argmin(after.to_numpy()))]
    assert peak_day == pd.Timestamp(BASE.get("TEL-16").as_of)
    assert trough_day == pd.Timestamp(BASE.get("TEL-17").as_of)
    assert close[peak_day] == pytest.approx(BASE.value("TEL-16"), abs=0.005)
    assert close[trough_day] == pytest.approx(BASE.value("TEL-17"), abs=0.005)
    fall = 100.0 * (close[trough_day] / close[peak_day] - 1.0)
    assert fall == pytest.approx(BASE.value("TEL-18"), abs=0.05)  # the fact rounds to 0.1
    obs = observed_telecom()
    assert (obs.peak_date, obs.trough_date) == (peak_day, trough_day)
    assert obs.depth == pytest.approx(-fall / 100.0, rel=1e-12)
    assert obs.bust_year == 2000


def test_cape_overvaluation_and_nasdaq_volatility_recompute_from_the_shipped_data() -> None:
    cape = load_shiller()["CAPE"].dropna()
    premium = cape["1996-01"].iloc[0] / cape[:"1995-12"].mean() - 1.0
    assert cape.index[0] == pd.Timestamp("1881-01-01")
    assert 100.0 * premium == pytest.approx(BASE.value("TEL-19"), abs=0.05)
    year_end = _nasdaq().resample("YE").last()["1971":"1995"]
    sd = float(np.diff(np.log(year_end.to_numpy())).std(ddof=1))
    assert 100.0 * sd == pytest.approx(BASE.value("TEL-20"), abs=0.05)


def test_derived_telecom_facts_recompute_from_their_inputs() -> None:
    capex = [BASE.value(f) for f in CAPEX_FACTS]
    assert capex == [float(x) for x in BASE.get("TEL-01").value_text.split(" / ")]
    assert 100.0 * ((capex[3] / capex[0]) ** (1 / 3) - 1) == pytest.approx(
        BASE.value("TEL-02"), abs=0.05
    )
    assert 100.0 * (1 - capex[6] / capex[4]) == pytest.approx(BASE.value("TEL-03"), abs=0.05)
    wired = re.search(r"wired ([\d.]+).*equipment ([\d.]+)", BASE.get("TEL-05").value_text)
    assert wired is not None
    share = 100.0 * float(wired[2]) / float(wired[1])
    assert share == pytest.approx(BASE.value("TEL-05a"), abs=0.05)
    revenue = np.array([float(x) for x in BASE.get("TEL-06").value_text.split(" / ")])
    assert revenue[7] == BASE.value("TEL-06a")  # 1996, the eighth year of 1989..1998
    growth = np.diff(np.log(revenue))
    assert 100.0 * growth.mean() == pytest.approx(BASE.value("TEL-07a"), abs=0.005)
    assert 100.0 * growth.std(ddof=1) == pytest.approx(BASE.value("TEL-07b"), abs=0.005)
    whole = BASE.value("TEL-11", unit="USD mn") / 1000.0 / 0.615  # 61.5% of the equity
    assert 100.0 * whole / BASE.value("TEL-09") == pytest.approx(BASE.value("TEL-12"), abs=0.05)
    assert "61.5%" in BASE.get("TEL-11").description


# --- the preset ---------------------------------------------------------------------------------


def test_every_preset_parameter_names_a_fact_or_an_assumption_with_its_reason() -> None:
    raw = yaml.safe_load(
        (resources.files("bubblescope.scenario.presets") / "telecom_1996.yaml").read_text("utf-8")
    )
    ids = {f.id for f in BASE.facts}
    for name, entry in raw["parameters"].items():
        if "source" in entry:
            assert entry["source"] in ids, name
        else:
            assert len(entry["assumption"].split()) >= 4, name  # a reason, not a label
    spec = load_scenario("telecom_1996")
    assert (spec.start_year, spec.years[-1]) == (1996, 2003)
    for name, item in spec.params.items():
        assert item.kind in {"fact", "assumption"}, name
        assert item.source.strip(), name
    # the boom's own numbers are facts, each read from its TEL- row
    for name, fid in {
        "capex_plan_growth": "TEL-02",
        "post_bust_capex_cut": "TEL-03",
        "gpu_share": "TEL-05a",
        "ai_revenue_start": "TEL-06a",
        "ai_revenue_growth": "TEL-07a",
        "ai_revenue_vol": "TEL-07b",
        "price_vol": "TEL-20",
        "initial_overvaluation": "TEL-19",
    }.items():
        assert spec.params[name].kind == "fact"
        assert spec.params[name].source.startswith(fid + " "), name
        assert spec.params[name].value == BASE.value(fid), name


# --- the calibration ----------------------------------------------------------------------------

SEED = 20260101
N_PATHS = 2_000


@cache
def _calibration() -> TelecomCalibrationResult:
    return calibrate_telecom(n_paths=N_PATHS, rng=SEED)


def telecom_example() -> TelecomCalibrationResult:
    """A small run for the result contract (tests/test_result_contract.py)."""
    return calibrate_telecom(n_paths=300, rng=1)


def test_the_bands_are_the_models_quantiles_recomputed_from_its_paths() -> None:
    res = _calibration()
    run = run_scenario("telecom_1996", n_paths=N_PATHS, rng=SEED)
    index = run.paths["bust_year"]
    years = np.where(index >= 0, 1996 + index, np.inf)
    depth = run.paths["depth"][index >= 0]
    # independent order statistics: the k-th smallest with k = ceil(q n)
    for check, values in (("bust_year", years), ("depth", depth)):
        ordered = np.sort(values)
        low = ordered[math.ceil(BAND[0] * ordered.size) - 1]
        high = ordered[math.ceil(BAND[1] * ordered.size) - 1]
        got = res.check(check)
        assert (got.low, got.high) == (low, high), check
    # the capex collapse follows the bust: the post-bust cut is the largest fall, a year later
    collapse = res.capex_collapse_year
    has = np.isfinite(collapse)
    assert has.any()
    np.testing.assert_array_equal(collapse[has], res.bust_year[has] + 1)
    assert not np.isfinite(collapse[res.bust_year == 2003]).any()


def test_the_overvaluation_profile_reruns_the_checks_on_the_same_random_numbers() -> None:
    res = _calibration()
    own = res.spec.value("initial_overvaluation")
    table = res.profile
    assert list(table.index) == sorted({*OVERVALUATION_PROFILE, own})
    for c in res.checks:  # the preset's own row is the calibration itself
        assert table.loc[own, f"{c.key}_low"] == c.low
        assert table.loc[own, f"{c.key}_high"] == c.high
        assert bool(table.loc[own, f"{c.key}_covered"]) == c.covered
    omega = OVERVALUATION_PROFILE[1]
    alone = calibrate_telecom(
        res.spec.with_overrides({"initial_overvaluation": omega}),
        n_paths=N_PATHS,
        rng=SEED,
        profile=(),
    )
    for c in alone.checks:
        assert (table.loc[omega, f"{c.key}_low"], table.loc[omega, f"{c.key}_high"]) == (
            c.low,
            c.high,
        )
    # on common random numbers a larger premium deepens the falls and brings the busts forward
    assert table["depth_high"].is_monotonic_increasing
    assert table["bust_year_high"].is_monotonic_decreasing


def test_observed_values_lie_in_the_band_or_the_miss_is_reported() -> None:
    res = _calibration()
    obs = res.observed
    assert [c.observed for c in res.checks] == [2000.0, obs.depth, 2002.0]
    section = generated.section(get("scenario-telecom"), res)
    report_text = " ".join(html.unescape(section.html).split())  # the summary wraps its lines
    for c in res.checks:
        if c.low <= c.observed <= c.high:
            assert c.covered
            assert f"{c.name}: observed" in report_text
            assert "covered" in report_text
        else:
            assert not c.covered
            side = "below" if c.observed < c.low else "above"
            assert f"MISSED: the observed value lies {side} the band" in report_text
            assert "the calibration misses on:" in report_text
            assert c.name in report_text
    # the depth miss (the model's falls end short of the NASDAQ's) is explained in words
    depth = res.check("depth")
    if not depth.covered and depth.observed > depth.high:
        assert "too shallow" in report_text
        needed = (1 - res.spec.value("crash_overshoot")) / (1 - obs.depth) - 1
        assert f"would have to stand {needed:.0%} above that value" in report_text
    # the telecom service industry's own fall (TEL-15b) against the same depth band
    fall = -BASE.value("TEL-15b") / 100.0
    verdict = "covers" if depth.low <= fall <= depth.high else "misses too"
    assert (
        f"fell {fall:.0%} from March 2000 to July 2004 (TEL-15b), which the depth band {verdict}"
        in report_text
    )
    # what survived: the model's durable plant at a bust, priced at what the bust's fibre fetched
    nbv = float(np.nanmedian(res.durable_nbv))
    resale = BASE.value("TEL-12") / 100.0 * nbv
    assert f"leaves {nbv:,.0f} USD bn of fibre" in report_text
    assert f"would sell for {resale:,.1f} USD bn" in report_text
    assert "what survived" in report_text
    for omega, row in res.profile.iterrows():
        every = all(bool(row[f"{c.key}_covered"]) for c in res.checks)
        assert (f"{omega:.0%}: every band covers what happened" in report_text) == every
    for fid in SURVIVED_FACTS:
        assert fid in report_text
    assert section.data["checks"][1]["covered"] == depth.covered
    # every fact the section cites (the preset's inputs table, the notes) is in the fact base
    cited = section.fact_ids()
    assert {"TEL-02", "TEL-06a", "TEL-19"} <= set(cited)
    assert set(cited) <= {f.id for f in BASE.facts}


def test_the_telecom_entry_runs_on_every_surface_from_the_registry() -> None:
    entry = get("scenario-telecom")
    assert entry.report is not None
    res = entry.run(None, entry.settings(paths=200, seed=3))
    again = calibrate_telecom(n_paths=200, rng=3)
    assert res.to_dict() == again.to_dict()
    assert json.loads(json.dumps(res.to_dict(), allow_nan=False))["scenario"] == "telecom_1996"


def test_the_docstring_example_runs() -> None:
    import bubblescope.scenario.calibration as module

    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
