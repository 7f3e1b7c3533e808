r"""The CUSUM column of Homm's Table 1.6 under each plausible reading of its monitoring design.

Run (from the repository root)::

    python -m bubblescope.detect.simulation.homm_table16 --reps 10000 --seed 1000

It prints, per reading, the CUSUM monitor's rejection frequency on Evans (1991) periodically
collapsing bubbles (:func:`bubblescope.detect.simulation.evans.evans_price`, T = 100, 5% level)
next to the published column, and how many of the eight entries lie within two standard errors
(the table's 2,000 replications and ours).

Why readings, not one design
----------------------------
Table 1.6 of Homm's dissertation (Section 1.6.4, the chapter that became Homm & Breitung 2012)
states the data-generating process (PWY's Evans design, ``P_t = P^f_t + 20 B_t``), T = 100,
2,000 replications, the 5% level and that "all tests [are] applied to detrended data". The text
that can be reached does not state, for the monitors, the training length ``n``, how the data are
detrended in real time, or which boundary constant is used. Each reading here fixes those three:

* ``n``: half the sample (50) or HB's shortest tabulated training length (20);
* detrending: the training sample's mean difference removed from every difference (``demean``,
  :func:`bubblescope.detect.cusum_monitor` with ``demean=True``), an OLS trend fitted on the
  training sample and extrapolated (``train_ols``), an OLS trend fitted on all T observations
  (``full_ols``, not real time), or none (``raw``);
* the constant: simulated for that detrending so that a random walk (with any drift) crosses with
  probability 5% (``simulated``), or HB's Table 8(i) constant for the detector without drift
  estimation (``table8``).

No reading is chosen to fit the table; the printed comparison is the finding.

References
----------
Homm, U. Doctoral dissertation, Chapter 1, Section 1.6.4 and Table 1.6, as rendered at
https://1library.net/article/periodically-collapsing-bubbles-monte-carlo-analysis.y887pd0y.
Homm, U. and Breitung, J. (2012). Testing for speculative bubbles in stock markets: a
comparison of alternative methods. Journal of Financial Econometrics 10(1), 198-231.
Evans, G.W. (1991). Pitfalls in testing for explosive bubbles in asset prices. American Economic
Review 81(4), 922-930.
"""

from __future__ import annotations

import argparse
import math
import sys
from dataclasses import dataclass
from typing import Literal

import numpy as np

from bubblescope._typing import Float64Array
from bubblescope.detect._cusum import crossing_constant, detector
from bubblescope.detect.critical_values.cusum import hb_table8
from bubblescope.detect.simulation.evans import evans_price
from bubblescope.errors import InputError

__all__ = [
    "LEVEL",
    "READINGS",
    "SAMPLE",
    "TABLE_1_6_CUSUM",
    "TABLE_REPS",
    "Constant",
    "Detrend",
    "Reading",
    "detrended_statistic",
    "main",
    "rejection_rates",
    "render",
]

#: Sample size, replications and nominal level of Table 1.6.
SAMPLE = 100
TABLE_REPS = 2000
LEVEL = 0.95
#: Table 1.6, column "CUSUM": rejection frequency by ``pi`` (None: the "no bubble" row).
TABLE_1_6_CUSUM: dict[float | None, float] = {
    None: 0.045,
    0.999: 0.942,
    0.990: 0.763,
    0.950: 0.535,
    0.850: 0.379,
    0.750: 0.269,
    0.500: 0.031,
    0.250: 0.015,
}

Detrend = Literal["demean", "train_ols", "full_ols", "raw"]
Constant = Literal["simulated", "table8"]


@dataclass(frozen=True)
class Reading:
    """One reading of the undocumented monitoring design.

    Attributes
    ----------
    n : int
        Training observations.
    detrend : {"demean", "train_ols", "full_ols", "raw"}
        How the data are detrended (module docstring).
    constant : {"simulated", "table8"}
        Where the boundary constant comes from.
    """

    n: int
    detrend: Detrend
    constant: Constant

    @property
    def label(self) -> str:
        """Short name: ``n=50 demean simulated``."""
        return f"n={self.n} {self.detrend} {self.constant}"


_DESIGNS: tuple[tuple[Detrend, Constant], ...] = (
    ("demean", "simulated"),
    ("train_ols", "simulated"),
    ("full_ols", "simulated"),
    ("full_ols", "table8"),
    ("raw", "table8"),
)
#: The readings compared (the size-calibrated ones and the Table 8(i) ones).
READINGS: tuple[Reading, ...] = tuple(Reading(n, d, c) for n in (50, 20) for d, c in _DESIGNS)


def _ols_residuals(y: Float64Array, fit: int) -> Float64Array:
    """``y`` minus the OLS line ``a + b t`` fitted on its first ``fit`` points (rows are paths)."""
    t = np.arange(1.0, y.shape[-1] + 1.0)
    x = np.column_stack([np.ones_like(t), t])
    beta = np.linalg.lstsq(x[:fit], y[:, :fit].T, rcond=None)[0]
    return np.asarray(y - (x @ beta).T, dtype=np.float64)


def detrended_statistic(y: Float64Array, n: int, detrend: Detrend) -> Float64Array:
    """The CUSUM detector of paths ``y`` (rows) after the reading's detrending.

    Raises
    ------
    InputError
        An unknown ``detrend``.
    """
    if detrend == "demean":
        return detector(y, n, demean=True)[0]
    if detrend == "raw":
        return detector(y, n, demean=False)[0]
    if detrend == "train_ols":
        return detector(_ols_residuals(y, n), n, demean=False)[0]
    if detrend == "full_ols":
        return detector(_ols_residuals(y, y.shape[-1]), n, demean=False)[0]
    raise InputError(f"unknown detrending {detrend!r}", hint="demean, train_ols, full_ols or raw")


def _constant(reading: Reading, null: Float64Array) -> float:
    if reading.constant == "table8":
        return hb_table8(reading.n, SAMPLE // reading.n, LEVEL)
    draws = crossing_constant(detrended_statistic(null, reading.n, reading.detrend), reading.n)
    return float(np.quantile(draws, LEVEL))


def rejection_rates(
    readings: tuple[Reading, ...], reps: int, seed: int, null_reps: int = 20_000
) -> tuple[dict[str, float], dict[str, dict[float | None, float]]]:
    """Boundary constant and rejection frequency per ``pi`` for each reading.

    Parameters
    ----------
    readings : tuple of Reading
    reps : int
        Evans paths per ``pi`` (shared by the readings).
    seed : int
        Seeds the null walks (``seed``) and the paths of the k-th ``pi`` (``seed + 1 + k``).
    null_reps : int
        Driftless Gaussian random walks for the simulated constants.

    Returns
    -------
    (dict, dict)
        The constant ``b`` and ``{pi: rate}``, each by :attr:`Reading.label`.
    """
    null = np.cumsum(np.random.default_rng(seed).standard_normal((null_reps, SAMPLE)), axis=1)
    paths = {
        pi: evans_price(SAMPLE, pi, reps=reps, rng=seed + 1 + k)
        for k, pi in enumerate(TABLE_1_6_CUSUM)
    }
    constants: dict[str, float] = {}
    rates: dict[str, dict[float | None, float]] = {}
    for reading in readings:
        b = _constant(reading, null)
        constants[reading.label] = b
        rates[reading.label] = {
            pi: float(
                np.mean(
                    crossing_constant(detrended_statistic(p, reading.n, reading.detrend), reading.n)
                    > b
                )
            )
            for pi, p in paths.items()
        }
    return constants, rates


def render(
    constants: dict[str, float], rates: dict[str, dict[float | None, float]], reps: int
) -> str:
    """A text table: the published column, then each reading with its count of matches."""
    head = "".join(f"{'none' if pi is None else pi:>8}" for pi in TABLE_1_6_CUSUM)
    lines = [f"{'reading':<26}{'b':>7}{head}  within 2 s.e.", f"{'Table 1.6 (CUSUM)':<33}"]
    lines[-1] += "".join(f"{v:8.3f}" for v in TABLE_1_6_CUSUM.values())
    for label, by_pi in rates.items():
        hits = 0
        for pi, ref in TABLE_1_6_CUSUM.items():
            q = by_pi[pi]
            se = math.sqrt(ref * (1 - ref) / TABLE_REPS + q * (1 - q) / reps)
            hits += abs(q - ref) < 2 * se
        row = "".join(f"{by_pi[pi]:8.3f}" for pi in TABLE_1_6_CUSUM)
        lines.append(f"{label:<26}{constants[label]:7.2f}{row}  {hits}/8")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Print the comparison (``--reps`` paths per ``pi``, ``--seed``)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--reps", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1000)
    args = parser.parse_args(argv)
    constants, rates = rejection_rates(READINGS, args.reps, args.seed)
    print(render(constants, rates, args.reps))
    return 0


if __name__ == "__main__":
    sys.exit(main())
