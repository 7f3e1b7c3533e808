"""GSY reference values on the Ken French 49 industries (tests/results/runup_gsy_reference.json).

Also: the market proxy against the Fama–French market factor, and that the shipped
coefficients are exactly what the committed fitting script produces.

Data: the shipped French 49 industries (same panel as French's file, tests/data/
test_bundled_frames.py); French's file itself (a copy in tests/results) for its reader and for
the fitting script, whose coefficients record the file's SHA-256; and the date, MKT_RF and RF
columns of the daily Fama–French factors (tests/results/trimmed). See tests/results/README.md.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from bubblescope.data.bundled import load_french49
from bubblescope.detect._runup_coefficients import MODELS, PROVENANCE
from bubblescope.detect._runup_french import read_french_blocks
from bubblescope.detect.gsy import crash_probability
from bubblescope.detect.industries import french_industries
from bubblescope.detect.simulation.fit_runup_model import fit_models, label_episodes
from bubblescope.errors import DataError
from tests.reference import TRIMMED, SharedFiles

REF = json.loads((Path(__file__).parents[1] / "results" / "runup_gsy_reference.json").read_text())
TOL = REF["tolerances"]
FILE = "ken_french/49_Industry_Portfolios_monthly_1926-2025.csv"


@pytest.fixture(scope="module")
def french():  # type: ignore[no-untyped-def]
    return french_industries(load_french49())


@pytest.fixture(scope="module")
def episodes(french):  # type: ignore[no-untyped-def]
    return {thr: label_episodes(french, thr, "1928-01-01", "2014-03-31") for thr in (0.5, 1.0, 1.5)}


def test_market_proxy_tracks_fama_french_market(french) -> None:  # type: ignore[no-untyped-def]
    ff = pd.read_csv(
        TRIMMED / "ken_french" / "ff5_factors_daily_1963-2025_mkt_rf.csv.gz", parse_dates=["date"]
    )
    gross = (1.0 + ff["MKT_RF"] + ff["RF"]).groupby(ff["date"].dt.to_period("M")).prod()
    ffm = pd.Series(gross.to_numpy() - 1.0, index=gross.index.to_timestamp(how="end").normalize())
    both = pd.concat([french.market, ffm], axis=1, join="inner").dropna()
    assert len(both) > 700
    # same universe (CRSP common stocks), different weighting details: near-identical
    assert np.corrcoef(both.iloc[:, 0], both.iloc[:, 1])[0, 1] > 0.999
    assert (both.iloc[:, 0] - both.iloc[:, 1]).abs().mean() < 0.002


def test_reader_blocks_and_units(shared_file: SharedFiles) -> None:
    blocks = read_french_blocks(shared_file(FILE))
    assert "Number of Firms in Portfolios" in blocks
    assert blocks["Average Value Weighted Returns -- Monthly"].shape == (1187, 49)
    assert np.isnan(blocks["Average Value Weighted Returns -- Monthly"].loc["192607", "Soda"])


def test_reader_rejects_malformed_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("date,A,B\n192607,1.0,oops\n")
    with pytest.raises(DataError, match="does not parse"):
        read_french_blocks(bad)
    with pytest.raises(DataError, match="cannot read"):
        read_french_blocks(tmp_path / "missing.csv")


def test_gsy_counts_at_100_percent(episodes) -> None:  # type: ignore[no-untyped-def]
    ep = episodes[1.0]
    assert abs(len(ep) - REF["runups_100pct"]) <= TOL["runups"]
    share = ep["crash"].mean()
    assert abs(share - REF["crash_share_100pct"]) <= TOL["crash_share"]
    assert ep["start"].min() >= pd.Timestamp("1928-01-01")
    assert ep["start"].max() <= pd.Timestamp("2014-03-31")
    # the dot-com episodes are there and crashed (Chips, Hardw)
    dotcom = ep[(ep["start"].dt.year >= 1999) & (ep["start"].dt.year <= 2000)]
    assert {"Chips", "Hardw"} <= set(dotcom["series"])
    assert dotcom.set_index("series").loc[["Chips", "Hardw"], "crash"].all()


def test_gsy_crash_share_by_threshold(episodes) -> None:  # type: ignore[no-untyped-def]
    shares = [episodes[t]["crash"].mean() for t in (0.5, 1.0, 1.5)]
    assert shares[0] < shares[1] < shares[2]
    for thr, share in zip(("0.5", "1.0", "1.5"), shares, strict=True):
        assert abs(share - REF["crash_share_by_net_runup"][thr]) <= TOL["crash_share_by_net_runup"]


def test_shipped_model(french) -> None:  # type: ignore[no-untyped-def]
    net = MODELS["net_1928_2014"]
    slope, se = net["params"][1], net["bse"][1]
    assert slope / se > 2.0  # bigger net run-ups crash more often (GSY finding 2)
    probs = crash_probability([0.5, 1.0, 1.5])
    assert (np.diff(probs) > 0).all()
    for x, p in zip(("0.5", "1.0", "1.5"), probs, strict=True):
        assert abs(p - REF["crash_share_by_net_runup"][x]) <= TOL["model_probability"]
    later = crash_probability([0.5, 1.0, 1.5], sample="1928-2025")
    assert (np.diff(later) > 0).all()
    # volatility raises crash odds among run-ups (GSY finding 3)
    full = MODELS["full_1928_2014"]
    vol = full["terms"].index("volatility")
    assert full["params"][vol] / full["bse"][vol] > 2.0


def test_shipped_coefficients_are_reproducible(shared_file: SharedFiles) -> None:
    fresh = fit_models(shared_file(FILE))
    assert fresh["_provenance"]["data_sha256"] == PROVENANCE["data_sha256"]
    for key, model in MODELS.items():
        np.testing.assert_allclose(fresh[key]["params"], model["params"], rtol=1e-9)
        np.testing.assert_allclose(fresh[key]["bse"], model["bse"], rtol=1e-9)
        assert fresh[key]["nobs"] == model["nobs"]


def test_crashes_are_sudden(episodes) -> None:  # type: ignore[no-untyped-def]
    crashed = episodes[1.0][episodes[1.0]["crash"].astype(bool)]
    share = (crashed["worst_period_return"] <= -0.20).mean()
    ref = REF["crashes_with_single_month_le_minus_20pct"]
    assert abs(share - ref["count"] / ref["of"]) <= TOL["single_month_share"]
