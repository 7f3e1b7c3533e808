r"""Fit the GSY crash-probability logit on the Ken French 49 industries; write the coefficients.

Run (from the repository root)::

    python -m bubblescope.detect.simulation.fit_runup_model \\
        --data ../shared/data/ken_french/49_Industry_Portfolios_monthly_1926-2025.csv

It rewrites ``src/bubblescope/detect/_runup_coefficients.py`` (coefficients, standard errors and
provenance only; the data are never copied into the package).

Design
------
* Data: value-weighted monthly returns of the 49 French industries (percent / 100), the number of
  firms per industry, and a value-weighted market proxy built from the same file (industry returns
  weighted by lagged market equity, ``n_firms * average firm size``; see
  :mod:`bubblescope.detect._runup_french`). One industry (``Rubbr``) has a 12-month hole with no
  firms (1943-07 to 1944-06); a column with such a hole is used only after its last gap.
* Episodes: :func:`bubblescope.detect.gsy.runup` with its defaults (24-month raw and net run-up,
  net = difference, prior five-year return >= 50%, peak-anchored 40% drawdown within 24 months)
  plus ``min_firms=10`` (industries with fewer than 10 firms are skipped: the French portfolios of
  the 1920s–30s hold as few as one or two firms, where a "run-up" is one stock's move; GSY build
  their 48 industries from CRSP and do not report such a filter, so this is our choice).
* Sample: run-up dates 1928-01 to 2014-03 (GSY), and 1928-01 to the last date with a complete
  24-month crash window (2023-05 for data ending 2025-05). Censored windows are dropped.
* Model rows: the episodes at each threshold 0.50, 0.75, …, 2.00 (the same boom can appear at
  several thresholds, so standard errors are clustered by industry). Regressor: the net run-up at
  the episode date. ``full`` adds volatility, its change, acceleration and firm-count growth
  (rows where all are defined).
"""

from __future__ import annotations

import argparse
import hashlib
import pprint
import sys
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from bubblescope.detect._runup_french import FrenchIndustries, read_french_industries
from bubblescope.detect._runup_logit import fit_logit
from bubblescope.detect.gsy import MODEL_TERMS, runup

__all__ = ["GRID", "SAMPLES", "fit_models", "label_episodes", "main", "render"]

#: Thresholds whose episodes are stacked into the model's rows.
GRID: tuple[float, ...] = (0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0)
#: Sample name -> (first, last) run-up date; None = last date with a full crash window.
SAMPLES: dict[str, tuple[str, str | None]] = {
    "1928_2014": ("1928-01-01", "2014-03-31"),
    "1928_2025": ("1928-01-01", None),
}
MIN_FIRMS = 10
OUTPUT = Path(__file__).resolve().parents[1] / "_runup_coefficients.py"


def _after_last_gap(prices: pd.DataFrame) -> pd.DataFrame:
    out = prices.copy()
    for col in out.columns:
        ok = out[col].notna().to_numpy()
        first = int(np.argmax(ok))
        holes = np.flatnonzero(~ok[first:]) + first
        if holes.size:
            out.loc[out.index[: holes[-1] + 1], col] = np.nan
    return out


def label_episodes(
    data: FrenchIndustries, threshold: float, start: str, end: str | None
) -> pd.DataFrame:
    """Episodes of all 49 industries at one threshold with run-up dates in [start, end].

    Censored episodes (crash window beyond the data) are dropped.
    """
    prices = _after_last_gap(data.prices())
    market = np.exp(np.log1p(data.market).cumsum())
    res = runup(
        prices,
        market,
        threshold=threshold,
        n_firms=data.n_firms,
        min_firms=MIN_FIRMS,
        crash_model=False,
    )
    ep = res.episodes
    keep = (ep["start"] >= pd.Timestamp(start)) & ~ep["censored"]
    if end is not None:
        keep &= ep["start"] <= pd.Timestamp(end)
    return ep[keep].reset_index(drop=True)


def fit_models(path: str | Path) -> dict[str, Any]:
    """Fit the ``net`` and ``full`` logits on both samples; return the coefficient records."""
    data = read_french_industries(path)
    digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    models: dict[str, Any] = {}
    for sample, (start, end) in SAMPLES.items():
        stacked = pd.concat(
            [label_episodes(data, thr, start, end).assign(threshold=thr) for thr in GRID],
            ignore_index=True,
        )
        y = stacked["crash"].to_numpy(dtype=np.float64)
        shares = {}
        for thr in (0.5, 1.0, 1.5):
            at = stacked[stacked["threshold"] == thr]
            shares[f"{thr:.2f}"] = (len(at), int(at["crash"].sum()))
        for kind, terms in (("net", ("net_runup",)), ("full", ("net_runup", *MODEL_TERMS))):
            rows = stacked[list(terms)].notna().all(axis=1).to_numpy()
            X = np.column_stack([np.ones(rows.sum()), stacked.loc[rows, list(terms)]])
            fit = fit_logit(X, y[rows], clusters=stacked.loc[rows, "series"].to_numpy())
            models[f"{kind}_{sample}"] = {
                "terms": ("const", *terms),
                "params": tuple(float(v) for v in fit.params),
                "bse": tuple(float(v) for v in fit.bse),
                "cov": tuple(tuple(float(v) for v in r) for r in fit.cov),
                "nobs": fit.nobs,
                "n_clusters": fit.n_clusters,
                "loglike": fit.loglike,
                "runup_dates": (
                    str(stacked["start"].min().date()),
                    str(stacked["start"].max().date()),
                ),
                "episodes_crashes_by_threshold": shares,
            }
    models["_provenance"] = {
        "data_file": Path(path).name,
        "data_sha256": digest,
        "data_source": "Kenneth R. French Data Library, 49 Industry Portfolios (value-weighted "
        "monthly returns, number of firms, average firm size)",
        "script": "python -m bubblescope.detect.simulation.fit_runup_model --data PATH",
        "thresholds_stacked": GRID,
        "min_firms": MIN_FIRMS,
        "definitions": "runup() defaults: 24-month raw and net (difference) run-up, prior "
        "60-month return >= 50%, crash = peak-anchored drawdown >= 40% within 24 "
        "months; standard errors clustered by industry",
    }
    return models


def render(models: dict[str, Any]) -> str:
    """Return the Python source of ``_runup_coefficients.py``."""
    provenance = models["_provenance"]
    fitted = {k: v for k, v in models.items() if not k.startswith("_")}
    return (
        '"""Fitted GSY crash-probability logits (GENERATED; do not edit by hand).\n\n'
        "Regenerate with ``python -m bubblescope.detect.simulation.fit_runup_model --data "
        "PATH``.\nKeys: ``{net,full}_{1928_2014,1928_2025}``; each holds ``terms``, "
        "``params``, ``bse``\n(cluster-robust by industry), ``cov``, ``nobs``, "
        "``n_clusters``, ``loglike``, the run-up\ndate range and (episodes, crashes) at the "
        '50/100/150% thresholds.\n"""\n\n'
        "from typing import Any\n\n"
        f"PROVENANCE: dict[str, Any] = {pprint.pformat(provenance, width=96, sort_dicts=True)}\n\n"
        f"MODELS: dict[str, dict[str, Any]] = {pprint.pformat(fitted, width=96, sort_dicts=True)}\n"
    )


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", required=True, help="French 49-industry text file")
    parser.add_argument("--out", default=str(OUTPUT), help="module to write")
    args = parser.parse_args(argv)
    models = fit_models(args.data)
    Path(args.out).write_text(render(models), encoding="utf-8")
    for key, m in models.items():
        if not key.startswith("_"):
            coef = ", ".join(
                f"{t}={b:.3f}({s:.3f})"
                for t, b, s in zip(m["terms"], m["params"], m["bse"], strict=True)
            )
            print(f"{key}: n={m['nobs']} {coef}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
