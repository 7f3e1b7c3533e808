"""Simulate PSY null quantiles on a grid of T and fit the response surface.

Run (about 10 minutes on 2 cores)::

    python -m bubblescope.detect.critical_values.simulation.simulate_response_surface

It writes ``psy_quantiles.csv`` (the simulated quantiles, next to this file) and
``../_response_surface_coefs.py`` (the fitted coefficients, imported by
:class:`~bubblescope.detect.critical_values.ResponseSurfaceCV`).

Design: 2,000 replications per cell under the PSY null ``y_t = 1/T + y_{t-1} + e_t`` (seed
``20150401 + cell``), lags 0-2, both window conventions, T in ``GRID``. For every statistic,
level, lag and convention the quantile is regressed on ``[1, log T, T^-1/2]`` by OLS (as arch
fits its unit-root tables on powers of 1/T; ``log T`` captures the slow growth of the sup
statistics as the minimum-window fraction shrinks).
"""

from __future__ import annotations

import csv
import math
import sys
from pathlib import Path

import numpy as np

from bubblescope.detect._psy_window import psy_min_window
from bubblescope.detect.critical_values import MonteCarloCV

GRID = {
    0: (50, 100, 200, 400, 800, 1600, 3200),
    1: (50, 100, 200, 400, 800, 1600),
    2: (50, 100, 200, 400, 800, 1600),
}
LEVELS = (0.90, 0.95, 0.99)
REPS = 2000
HERE = Path(__file__).resolve().parent


def regressors(T: float) -> list[float]:
    """The response-surface regressors ``[1, log T, T^-1/2]``."""
    return [1.0, math.log(T), T**-0.5]


def simulate() -> list[dict[str, float | int | str]]:
    """Simulated ADF/SADF/GSADF quantiles for every (lag, T, convention) cell."""
    rows: list[dict[str, float | int | str]] = []
    cell = 0
    for lag, grid in GRID.items():
        for T in grid:
            for convention in ("psy", "exuber"):
                cell += 1
                minw = psy_min_window(T) - 1 - lag if convention == "psy" else psy_min_window(T)
                cv = MonteCarloCV(reps=REPS, rng=20150401 + cell, cache=False).compute(
                    np.zeros(T), minw=minw, lag=lag
                )
                for stat in ("adf", "sadf", "gsadf"):
                    for lv, q in zip(LEVELS, getattr(cv, stat), strict=True):
                        rows.append(
                            {
                                "lag": lag,
                                "convention": convention,
                                "T": T,
                                "statistic": stat,
                                "level": lv,
                                "quantile": float(q),
                            }
                        )
                print(
                    f"lag {lag} T {T} {convention}: GSADF 95% {cv.gsadf[1]:.3f}",
                    file=sys.stderr,
                    flush=True,
                )
    return rows


def fit(rows: list[dict[str, float | int | str]]) -> dict[str, list[float]]:
    """OLS coefficients of each quantile on :func:`regressors`, one fit per key."""
    coefs: dict[str, list[float]] = {}
    keys = sorted({(r["lag"], r["convention"], r["statistic"], r["level"]) for r in rows})
    for lag, convention, stat, lv in keys:
        sel = [
            r
            for r in rows
            if (r["lag"], r["convention"], r["statistic"], r["level"])
            == (lag, convention, stat, lv)
        ]
        x = np.array([regressors(float(r["T"])) for r in sel])
        y = np.array([float(r["quantile"]) for r in sel])
        beta, *_ = np.linalg.lstsq(x, y, rcond=None)
        coefs[f"{lag}|{convention}|{stat}|{lv:.2f}"] = [float(b) for b in beta]
    return coefs


def main() -> None:
    """Simulate, write the quantile table, fit and write the coefficient module."""
    rows = simulate()
    with open(HERE / "psy_quantiles.csv", "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    coefs = fit(rows)
    lines = [
        '"""Response-surface coefficients of PSY null quantiles (generated; do not edit).',
        "",
        "Produced by ``simulation/simulate_response_surface.py`` (2,000 reps per cell, PSY null",
        "with drift 1/T). Key ``lag|convention|statistic|level`` -> coefficients of",
        "``[1, log T, T^-1/2]``.",
        '"""',
        "",
        f"T_MIN = {min(min(g) for g in GRID.values())}",
        f"T_MAX = {{{', '.join(f'{k}: {max(g)}' for k, g in GRID.items())}}}",
        f"REPS = {REPS}",
        "COEFS: dict[str, tuple[float, float, float]] = {",
    ]
    lines += [f'    "{k}": ({v[0]!r}, {v[1]!r}, {v[2]!r}),' for k, v in coefs.items()]
    lines.append("}")
    (HERE.parent / "_response_surface_coefs.py").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
