r"""The scenario model calibrated on the last boom: telecom, 1996-2003 (issue 15, Deliver 5).

The preset ``telecom_1996`` maps sourced facts of the telecom boom (fact ids ``TEL-``) to the
model's parameters: the US telecom providers' capex and its growth, telephone revenue and its
trend and volatility, the market's starting overvaluation (Shiller's CAPE in January 1996
against its 1881-1995 mean), the NASDAQ's volatility before the boom and the capex cut after it.
:func:`calibrate_telecom` runs it and asks whether the model's 10-90% bands cover what happened:

* **the bust year**: the NASDAQ Composite peaked on 10 March 2000, so the observed bust year is
  2000. The simulated bust year is the calendar year of the bust time (a path with no bust by
  the end of 2003 counts as later than the horizon);
* **the depth**: the NASDAQ fell 77.9% from that peak to its trough of 9 October 2002. The
  simulated depth is the peak-to-trough fall of the model's index on the paths that bust;
* **the capex collapse**: the year of the largest one-year fall of capex, 2002 in the telecom
  providers' filings (TEL-01; RHK's wider wireline series fell first in 2001, TEL-04). The
  simulated collapse is the year of the largest one-year fall of simulated capex on the paths
  that bust (the post-bust cut applies from the year after the bust).

The starting overvaluation is the one fact the preset can only bound: TEL-19 is the broad
market's CAPE premium, a floor for the telecom and internet stocks. The checks are rerun on the
same random numbers as it rises (:data:`OVERVALUATION_PROFILE`), a profile that shows where the
observed values fall in or out of the bands, not a fit.

The observed peak, trough and depth are recomputed from the shipped NASDAQ closes
(:func:`bubblescope.data.bundled.load_bundled`), the capex path read from the fact base. A band
that misses the observed value is reported as a miss, with the side it misses on.

What survived is read from the fact base: the fibre left dark or idle (HIS-02, HIS-03, TEL-22,
TEL-08), what a network cost and what it later sold for (TEL-09, TEL-11, TEL-12) and the traffic
that came later (TEL-21), next to the model's durable net book value at a bust.

References
----------
Couper, E. A., Hejkal, J. P. and Wolman, A. L. (2003). Boom and bust in telecommunications.
*Federal Reserve Bank of Richmond Economic Quarterly* 89(4), 1-24.
Doms, M. (2004). The boom and bust in information technology investment. *Federal Reserve Bank
of San Francisco Economic Review*, 19-34.
"""

from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from bubblescope._json import to_jsonable
from bubblescope._typing import Float64Array, JSONDict, RngLike
from bubblescope.errors import InputError
from bubblescope.result import ResultMixin
from bubblescope.scenario.spec import ScenarioSpec, load_scenario

if TYPE_CHECKING:
    from bubblescope.charts import ChartSpec

__all__ = [
    "BAND",
    "CAPEX_FACTS",
    "OVERVALUATION_PROFILE",
    "SURVIVED_FACTS",
    "Check",
    "ObservedBoom",
    "TelecomCalibrationResult",
    "calibrate_telecom",
    "observed_telecom",
]

#: Starting overvaluations (fractions) the calibration reruns on the same random numbers: TEL-19,
#: the broad market's CAPE premium, is a floor for the boom's own stocks, so the checks are also
#: shown as it rises (a profile, not a fit).
OVERVALUATION_PROFILE: tuple[float, ...] = (1.0, 1.5, 2.0, 2.5)

#: Quantiles of the band a calibration asks to cover (issue 15: "10-90% band").
BAND: tuple[float, float] = (0.10, 0.90)

#: The telecom providers' capex, one fact a year (TEL-01a..g, 1997-2003, USD bn).
CAPEX_FACTS: tuple[str, ...] = tuple(f"TEL-01{letter}" for letter in "abcdefg")

#: What survived the bust, as facts: dark fibre, a network's cost and price, later traffic.
SURVIVED_FACTS: tuple[str, ...] = (
    "HIS-02",
    "HIS-03",
    "TEL-22",
    "TEL-08",
    "TEL-09",
    "TEL-11",
    "TEL-12",
    "TEL-21",
)

# the windows of TEL-16 and TEL-17: the boom's peak in 1995-2001, its trough after it to 2003
_PEAK_WINDOW = ("1995-01-01", "2001-12-31")
_TROUGH_END = "2003-12-31"

#: Characters per line of the plain-text summary (fits an 80-column terminal).
_WIDTH = 78


@dataclass(frozen=True)
class ObservedBoom:
    """What happened, recomputed from the shipped data and read from the fact base.

    Attributes
    ----------
    peak_date, trough_date : pandas.Timestamp
        The NASDAQ Composite's boom peak and the trough after it.
    peak_close, trough_close : float
        Their closes (index points).
    depth : float
        ``1 - trough / peak`` (fraction).
    capex_years : tuple of int
    capex : tuple of float
        The telecom providers' capex by year (USD bn, :data:`CAPEX_FACTS`).
    """

    peak_date: pd.Timestamp
    peak_close: float
    trough_date: pd.Timestamp
    trough_close: float
    depth: float
    capex_years: tuple[int, ...]
    capex: tuple[float, ...]

    @property
    def bust_year(self) -> int:
        """The calendar year of the peak."""
        return int(self.peak_date.year)

    @property
    def capex_collapse_year(self) -> int:
        """The year of the largest one-year fall of capex."""
        falls = np.diff(np.asarray(self.capex))
        return self.capex_years[1 + int(np.argmin(falls))]


def observed_telecom() -> ObservedBoom:
    """The NASDAQ's peak, trough and depth from the shipped closes; the capex path from facts."""
    from bubblescope.data.bundled import load_bundled
    from bubblescope.data.facts import load_factbase

    close = load_bundled("NASDAQ")["close"]
    boom = close.loc[_PEAK_WINDOW[0] : _PEAK_WINDOW[1]]
    peak_date = pd.Timestamp(str(boom.idxmax()))
    after = close.loc[peak_date:_TROUGH_END]
    trough_date = pd.Timestamp(str(after.idxmin()))
    base = load_factbase()
    facts = [base.get(i) for i in CAPEX_FACTS]
    return ObservedBoom(
        peak_date=peak_date,
        peak_close=float(close.loc[peak_date]),
        trough_date=trough_date,
        trough_close=float(close.loc[trough_date]),
        depth=float(1.0 - close.loc[trough_date] / close.loc[peak_date]),
        capex_years=tuple(int(f.as_of) for f in facts),
        capex=tuple(float(base.value(f.id, unit="USD bn")) for f in facts),
    )


@dataclass(frozen=True)
class Check:
    """One observed value against the model's band.

    Attributes
    ----------
    key, name, unit : str
        ``bust_year``, ``depth`` or ``capex_collapse``; what it is; ``year`` or ``%``.
    observed : float
    low, median, high : float
        The band's quantiles :data:`BAND` and the median (``inf``: after the horizon).
    covered : bool
        ``low <= observed <= high``.
    over : str
        Which paths the distribution is over.
    """

    key: str
    name: str
    unit: str
    observed: float
    low: float
    median: float
    high: float
    covered: bool
    over: str

    def verdict(self) -> str:
        """``covered``, or the side the band misses on."""
        if self.covered:
            return "covered"
        side = "below" if self.observed < self.low else "above"
        return f"MISSED: the observed value lies {side} the band"

    def fmt(self, value: float) -> str:
        """A value in the check's unit (a year after the horizon reads 'after the horizon')."""
        if not math.isfinite(value):
            return "after the horizon"
        return f"{value:.0f}" if self.unit == "year" else f"{100 * value:.1f}%"


@dataclass(frozen=True)
class TelecomCalibrationResult(ResultMixin):
    """The telecom preset's simulated bust year, depth and capex collapse against what happened.

    Attributes
    ----------
    spec : ScenarioSpec
        The preset run.
    n_paths : int
    bust_year : ndarray
        Calendar year of each path's bust (NaN: none within the horizon).
    depth : ndarray
        Each path's peak-to-trough fall (fraction; NaN without a bust).
    capex_collapse_year : ndarray
        Year of each busted path's largest one-year capex fall (NaN: none, or after the horizon).
    durable_nbv : ndarray
        Net book value of the durable plant (fibre, conduit, buildings) at each bust (USD bn).
    observed : ObservedBoom
    checks : tuple of Check
    profile : DataFrame
        Per starting overvaluation (index, fraction; the scenario's own included): each
        check's band ``<key>_low``, ``<key>_high`` and whether it covers (``<key>_covered``),
        on the same random numbers.
    notes : tuple of str
    """

    spec: ScenarioSpec
    n_paths: int
    bust_year: Float64Array
    depth: Float64Array
    capex_collapse_year: Float64Array
    durable_nbv: Float64Array
    observed: ObservedBoom
    checks: tuple[Check, ...]
    profile: pd.DataFrame
    notes: tuple[str, ...] = field(default=())

    @property
    def bust_share(self) -> float:
        """Share of paths that bust within the horizon."""
        return float(np.isfinite(self.bust_year).mean())

    @property
    def missed(self) -> tuple[Check, ...]:
        """The checks whose band misses the observed value."""
        return tuple(c for c in self.checks if not c.covered)

    def check(self, key: str) -> Check:
        """The check called ``key`` (``bust_year``, ``depth``, ``capex_collapse``)."""
        for c in self.checks:
            if c.key == key:
                return c
        raise InputError(f"no check {key!r}", hint=f"one of {[c.key for c in self.checks]}")

    def survived(self) -> list[dict[str, str | float | None]]:
        """The facts of :data:`SURVIVED_FACTS`: id, what, value (or text), unit, date, grade."""
        from bubblescope.data.facts import load_factbase

        base = load_factbase()
        out: list[dict[str, str | float | None]] = []
        for fid in SURVIVED_FACTS:
            f = base.get(fid)
            out.append(
                {
                    "id": f.id,
                    "description": f.description,
                    "value": f.value if f.value is not None else f.value_text,
                    "unit": f.unit,
                    "as_of": f.as_of,
                    "grade": f.grade,
                }
            )
        return out

    def _profile_line(self, omega: float) -> str:
        """What the checks at one starting overvaluation cover and miss, in words."""
        row = self.profile.loc[omega]
        covered = [c.name for c in self.checks if bool(row[f"{c.key}_covered"])]
        missed = [
            f"{c.name} ({'below' if c.observed < row[f'{c.key}_low'] else 'above'} the band)"
            for c in self.checks
            if not bool(row[f"{c.key}_covered"])
        ]
        if not missed:
            return "every band covers what happened"
        return "misses " + ", ".join(missed) + ("; covers " + ", ".join(covered) if covered else "")

    @staticmethod
    def _resale_share() -> float:
        """What the bust's fibre sold for, as a share of its cost (TEL-12, fraction)."""
        from bubblescope.data.facts import load_factbase

        return float(load_factbase().value("TEL-12", unit="%")) / 100.0

    def _median_durable(self) -> float | None:
        finite = self.durable_nbv[np.isfinite(self.durable_nbv)]
        return float(np.median(finite)) if finite.size else None

    def to_frame(self) -> pd.DataFrame:
        """One row per check: observed value, band, median and whether it is covered."""
        return pd.DataFrame(
            [
                {
                    "check": c.key,
                    "name": c.name,
                    "unit": c.unit,
                    "observed": c.observed,
                    f"p{round(100 * BAND[0])}": c.low,
                    "median": c.median,
                    f"p{round(100 * BAND[1])}": c.high,
                    "covered": c.covered,
                    "over": c.over,
                }
                for c in self.checks
            ]
        ).set_index("check")

    def to_dict(self) -> JSONDict:
        """JSON-ready: the checks, the observed values, what survived and the preset's inputs."""
        o = self.observed
        out: JSONDict = to_jsonable(
            {
                "scenario": self.spec.name,
                "start_year": self.spec.start_year,
                "horizon_years": self.spec.horizon_years,
                "n_paths": self.n_paths,
                "band": list(BAND),
                "bust_share": self.bust_share,
                "checks": [
                    {
                        "key": c.key,
                        "name": c.name,
                        "unit": c.unit,
                        "observed": c.observed,
                        "low": None if not math.isfinite(c.low) else c.low,
                        "median": None if not math.isfinite(c.median) else c.median,
                        "high": None if not math.isfinite(c.high) else c.high,
                        "covered": c.covered,
                        "verdict": c.verdict(),
                        "over": c.over,
                    }
                    for c in self.checks
                ],
                "observed": {
                    "peak_date": o.peak_date.date().isoformat(),
                    "peak_close": o.peak_close,
                    "trough_date": o.trough_date.date().isoformat(),
                    "trough_close": o.trough_close,
                    "depth": o.depth,
                    "bust_year": o.bust_year,
                    "capex_years": list(o.capex_years),
                    "capex": list(o.capex),
                    "capex_collapse_year": o.capex_collapse_year,
                },
                "bust_year_shares": self._year_shares(self.bust_year),
                "capex_collapse_shares": self._year_shares(self.capex_collapse_year),
                "median_durable_nbv_at_bust": self._median_durable(),
                "profile": [
                    {
                        "initial_overvaluation": omega,
                        **{
                            k: (None if isinstance(v, float) and not math.isfinite(v) else v)
                            for k, v in row.items()
                        },
                    }
                    for omega, row in zip(
                        self.profile.index.to_numpy(dtype=np.float64).tolist(),
                        self.profile.to_dict("records"),
                        strict=True,
                    )
                ],
                "resale_share_of_cost": self._resale_share(),
                "survived": self.survived(),
                "inputs": [
                    {
                        "name": r["parameter"],
                        "value": r["value"],
                        "unit": r["unit"],
                        "kind": r["kind"],
                        "source": r["source"],
                    }
                    for r in self.spec.inputs_frame_rows()
                ],
                "notes": list(self.notes),
            }
        )
        return out

    def _year_shares(self, years: Float64Array) -> dict[str, float]:
        """Share of all paths per calendar year of the horizon, and after it."""
        out = {str(y): float((years == y).mean()) for y in self.spec.years}
        out["after"] = float((~np.isfinite(years)).mean())
        return out

    def summary(self) -> str:
        """Plain text: each check's band against what happened, then what survived."""
        o = self.observed
        lo, hi = (round(100 * q) for q in BAND)
        lines = [
            f"Calibrated on the last boom: preset {self.spec.name!r}, "
            f"{self.spec.years[0]}-{self.spec.years[-1]}, {self.n_paths:,} paths; "
            f"{self.bust_share:.0%} of paths bust within the horizon",
            f"  observed: NASDAQ peak {o.peak_close:,.2f} on {o.peak_date.date()}, trough "
            f"{o.trough_close:,.2f} on {o.trough_date.date()} (-{o.depth:.1%}, shipped closes); "
            f"telecom capex peaked at {max(o.capex):.2f} USD bn in "
            f"{o.capex_years[int(np.argmax(o.capex))]} and fell most in {o.capex_collapse_year}",
        ]
        lines.extend(
            f"  {c.name}: observed {c.fmt(c.observed)}; model {lo}-{hi}% band "
            f"{c.fmt(c.low)} to {c.fmt(c.high)}, median {c.fmt(c.median)} ({c.over}) "
            f"-> {c.verdict()}"
            for c in self.checks
        )
        if self.missed:
            lines.append("  the calibration misses on: " + ", ".join(c.name for c in self.missed))
        else:
            lines.append("  every observed value lies inside the model's band")
        own = self.spec.value("initial_overvaluation")
        source = self.spec.params["initial_overvaluation"].source
        lines.append(
            "  the same checks as the starting overvaluation rises (same random numbers; "
            f"the preset's {own:.0%} is {source.split()[0]}):"
        )
        lines.extend(
            f"    {omega:.0%}: {self._profile_line(omega)}" for omega in self.profile.index
        )
        nbv = self._median_durable()
        price = self._resale_share()
        lines.append(
            "  what survived: "
            + (
                "n/a (no bust)"
                if nbv is None
                else f"the model leaves {nbv:,.0f} USD bn of fibre, conduit and buildings at "
                f"book value at a bust (median); at the {price:.1%} of its cost that Global "
                f"Crossing's network fetched (TEL-12) it would sell for {price * nbv:,.1f} USD "
                "bn (the facts below say how much of such fibre was lit later)"
            )
        )
        for s in self.survived():
            value = s["value"]
            shown = f"{value:g} {s['unit']}" if isinstance(value, float) else f"{value} {s['unit']}"
            lines.append(f"    {s['id']}: {s['description']}: {shown} ({s['as_of']})")
        lines.extend(f"  note: {n}" for n in self.notes)
        return "\n".join(_wrap(line) for line in lines)

    def chart_spec(self) -> ChartSpec:
        """Bust year and capex collapse by year; depth by bust year; observed values marked."""
        from bubblescope.charts import Band, Bar, ChartSpec, HLine, Line, Panel, VLine

        years = list(self.spec.years)
        o = self.observed
        bust, depth = self.check("bust_year"), self.check("depth")
        lo, hi = (round(100 * q) for q in BAND)
        band_end = bust.high + 0.5 if math.isfinite(bust.high) else years[-1] + 0.5
        stats: dict[str, list[float]] = {q: [] for q in ("low", "median", "high")}
        for y in years:
            d = self.depth[self.bust_year == y]
            for key, q in (("low", BAND[0]), ("median", 0.5), ("high", BAND[1])):
                stats[key].append(100.0 * float(np.quantile(d, q)) if d.size else float("nan"))
        shares = self._year_shares(self.bust_year)
        collapse = self._year_shares(self.capex_collapse_year)
        top = max(1.0, 100.0 * max(max(shares[str(y)], collapse[str(y)]) for y in years))
        return ChartSpec(
            f"Calibrated on the last boom: the model's telecom 1996-2003 against what happened "
            f"({self.n_paths:,} paths)",
            (
                Panel(
                    f"When: simulated bust year and capex collapse (shaded: the bust year's "
                    f"{lo}-{hi}% band; after {years[-1]}: {shares['after']:.0%} of paths)",
                    "% of paths",
                    bars=(
                        Bar(
                            years,
                            [100 * shares[str(y)] for y in years],
                            "bust year",
                            color="#D55E00",
                        ),
                        Bar(
                            years,
                            [100 * collapse[str(y)] for y in years],
                            "largest capex fall",
                            color="#0072B2",
                        ),
                    ),
                    bands=(
                        Band(
                            bust.low - 0.5,
                            band_end,
                            f"{lo}-{hi}% band",
                            color="#D55E00",
                            opacity=0.12,
                        ),
                    ),
                    vlines=(
                        VLine(o.bust_year, f"NASDAQ peak {o.peak_date:%b %Y}", color="#D55E00"),
                        VLine(
                            o.capex_collapse_year,
                            f"capex fell most {o.capex_collapse_year}",
                            color="#0072B2",
                        ),
                    ),
                    yrange=(0.0, 1.35 * top),  # room above the bars for the lines' labels
                ),
                Panel(
                    f"How deep: fall by simulated bust year ({lo}%, median, {hi}%; all busts "
                    f"{depth.fmt(depth.low)} to {depth.fmt(depth.high)}) vs the NASDAQ's "
                    f"-{o.depth:.0%}",
                    "peak-to-trough fall, %",
                    lines=(
                        Line(
                            years, stats["high"], f"{hi}th percentile", color="#999999", dash="dash"
                        ),
                        Line(years, stats["median"], "median", color="#000000"),
                        Line(
                            years, stats["low"], f"{lo}th percentile", color="#999999", dash="dot"
                        ),
                    ),
                    hlines=(
                        HLine(
                            100.0 * o.depth,
                            f"NASDAQ {o.peak_date:%b %Y} to {o.trough_date:%b %Y}",
                            color="#D55E00",
                            dash="solid",
                        ),
                    ),
                    yrange=(0.0, 100.0),
                ),
            ),
            source=f"bubblescope.scenario.calibration, preset {self.spec.name} (TEL- facts); "
            "observed: shipped NASDAQ closes, TEL-01 capex",
            notes=self.notes,
        )


def _wrap(line: str) -> str:
    """One summary line wrapped at :data:`_WIDTH` characters, continued under its indent + 4."""
    indent = " " * (len(line) - len(line.lstrip()) + 4)
    return textwrap.fill(
        line, _WIDTH, subsequent_indent=indent, break_long_words=False, break_on_hyphens=False
    )


def _quantiles(values: Float64Array) -> tuple[float, float, float]:
    """The band's quantiles and the median (order statistics, so years stay years)."""
    if values.size == 0:
        return (math.nan, math.nan, math.nan)
    q = np.quantile(values, [BAND[0], 0.5, BAND[1]], method="inverted_cdf")
    return (float(q[0]), float(q[1]), float(q[2]))


def calibrate_telecom(
    scenario: ScenarioSpec | str | Path = "telecom_1996",
    *,
    n_paths: int = 4_000,
    rng: RngLike = None,
    profile: tuple[float, ...] = OVERVALUATION_PROFILE,
) -> TelecomCalibrationResult:
    """Run the telecom preset and compare its bands with what happened (see the module doc).

    Parameters
    ----------
    scenario : ScenarioSpec, str or Path
        Default the ``telecom_1996`` preset; it must start in or before the observed bust year.
    n_paths : int
        Monte Carlo paths per run.
    rng : int, Generator, SeedSequence or None
        Randomness (an int reproduces the run); the profile's runs share its random numbers.
    profile : tuple of float
        Starting overvaluations (fractions) to rerun the checks at besides the scenario's own
        (:data:`OVERVALUATION_PROFILE`; empty: none).

    Returns
    -------
    TelecomCalibrationResult

    Examples
    --------
    >>> res = calibrate_telecom(n_paths=300, rng=1, profile=())
    >>> res.observed.bust_year, round(res.observed.depth, 3), res.observed.capex_collapse_year
    (2000, 0.779, 2002)
    >>> [c.key for c in res.checks]
    ['bust_year', 'depth', 'capex_collapse']
    """
    from bubblescope.parallel import as_seed_sequence
    from bubblescope.scenario.pricing import priced_growth
    from bubblescope.scenario.runner import run_scenario

    spec = scenario if isinstance(scenario, ScenarioSpec) else load_scenario(scenario)
    observed = observed_telecom()
    if not spec.start_year <= observed.bust_year:
        raise InputError(
            f"{spec.origin}: field 'start_year' {spec.start_year} is after the observed bust "
            f"year {observed.bust_year}",
            hint="the calibration runs the telecom boom from its start",
        )
    root = as_seed_sequence(rng)

    def seed() -> np.random.SeedSequence:
        # a fresh copy per run: common random numbers across the profile
        return np.random.SeedSequence(root.entropy, spawn_key=root.spawn_key)

    run = run_scenario(spec, n_paths=n_paths, rng=seed())
    pricing = run.pricing if run.pricing is not None else priced_growth(spec)
    paths = run.paths
    bust_year, depth, collapse, checks = _outcome(spec, observed, paths)
    rows = []
    for omega in sorted({*profile, spec.value("initial_overvaluation")}):
        if omega == spec.value("initial_overvaluation"):
            found = checks
        else:
            other = spec.with_overrides({"initial_overvaluation": omega})
            found = _outcome(
                other, observed, run_scenario(other, n_paths=n_paths, rng=seed()).paths
            )[3]
        rows.append(
            {
                "initial_overvaluation": omega,
                **{
                    f"{c.key}_{k}": getattr(c, k) for c in found for k in ("low", "high", "covered")
                },
            }
        )
    table = pd.DataFrame(rows).set_index("initial_overvaluation")
    from bubblescope.data.facts import load_factbase

    telecom_fall = -float(load_factbase().value("TEL-15b", unit="%")) / 100.0
    telecom_in = checks[1].low <= telecom_fall <= checks[1].high
    notes = [
        "The NASDAQ Composite stands for the boom's equity index. The telecom service "
        f"industry's own market value fell {telecom_fall:.0%} from March 2000 to July 2004 "
        f"(TEL-15b), which the depth band {'covers' if telecom_in else 'misses too'}.",
        "Capex is the incumbents' (TEL-01, from filings); the entrants that built most of the "
        "long-haul fibre and went bankrupt are not in it, and RHK's wider wireline series "
        "fell first in 2001 (TEL-04).",
        "The model's bust comes from the gap between revenue served and the growth the price "
        f"implies: {pricing.implied_growth:.1%} a year priced (reverse DCF at an "
        f"overvaluation of {spec.value('initial_overvaluation'):.0%}) against "
        f"{pricing.expected_growth:.1%} expected.",
    ]
    in_band = [y for y in spec.years if checks[0].low <= y <= checks[0].high]
    notes.append(
        f"The bust-year band spans {len(in_band)} of the {spec.horizon_years} years: "
        f"{float((bust_year == observed.bust_year).mean()):.0%} of paths bust in "
        f"{observed.bust_year} itself, so covering it says the timing is plausible, not "
        "that the model foresaw it."
    )
    depth_check = checks[1]
    if not depth_check.covered and observed.depth > depth_check.high:
        floor = 1.0 - spec.value("crash_overshoot")
        needed = floor / (1.0 - observed.depth) - 1.0
        notes.append(
            "The model's falls are too shallow: at a bust the index drops to "
            f"{floor:.0%} of the DCF value of realised revenue from a premium of "
            f"{spec.value('initial_overvaluation'):.0%} (the broad market's CAPE premium, a floor "
            "for the telecom and internet stocks). To fall "
            f"{observed.depth:.1%} with an unchanged multiple the index would have to stand "
            f"{needed:.0%} above that value, (1 - o) / (1 - depth) - 1: the NASDAQ's premium "
            "over its firms' cash flows, not the market's, priced on traffic doubling every "
            "three months when it doubled about once a year (TEL-23)."
        )
    elif not depth_check.covered:
        notes.append(
            "The model's falls are too deep: the index drops further below the DCF value of "
            "realised revenue than the NASDAQ fell."
        )
    return TelecomCalibrationResult(
        spec=spec,
        n_paths=n_paths,
        bust_year=bust_year,
        depth=depth,
        capex_collapse_year=collapse,
        durable_nbv=paths["durable_nbv_at_bust"],
        observed=observed,
        checks=checks,
        profile=table,
        notes=tuple(notes),
    )


def _outcome(
    spec: ScenarioSpec, observed: ObservedBoom, paths: dict[str, Float64Array]
) -> tuple[Float64Array, Float64Array, Float64Array, tuple[Check, ...]]:
    """Per path bust year, depth and capex collapse year, and the three checks."""
    index = paths["bust_year"]
    n = index.size
    has = index >= 0
    bust_year = np.where(has, spec.start_year + index, np.nan)
    depth = np.where(has, paths["depth"], np.nan)
    capex = np.concatenate([np.full((n, 1), spec.value("capex_base")), paths["capex"]], axis=1)
    falls = np.diff(capex, axis=1)  # (n, T): change into each simulated year
    worst = np.argmin(falls, axis=1)
    collapse = np.where(
        has & (falls[np.arange(n), worst] < 0.0) & (worst > index),
        spec.start_year + worst,
        np.nan,
    )
    horizon = float("inf")
    checks = (
        _check(
            "bust_year",
            "bust year",
            "year",
            float(observed.bust_year),
            np.where(has, bust_year, horizon),
            "all paths; no bust counts as after the horizon",
        ),
        _check("depth", "depth of the fall", "%", observed.depth, depth[has], "paths that bust"),
        _check(
            "capex_collapse",
            "capex collapse year",
            "year",
            float(observed.capex_collapse_year),
            np.where(np.isfinite(collapse), collapse, horizon),
            "the largest one-year fall; all paths, none within the horizon counts as after it",
        ),
    )
    return bust_year, depth, collapse, checks


def _check(
    key: str, name: str, unit: str, observed: float, values: Float64Array, over: str
) -> Check:
    low, median, high = _quantiles(np.asarray(values, dtype=np.float64))
    return Check(key, name, unit, observed, low, median, high, low <= observed <= high, over)
