"""Depreciation of capex vintages under book and economic lives, and changes of estimate.

The model:

* **Straight line.** A vintage of cost :math:`C_v` placed in service at time :math:`s_v` with life
  :math:`N` is charged :math:`C_v/N` per year on :math:`[s_v, s_v+N)`; the charge in fiscal year
  :math:`y` is the rate times the overlap of that interval with :math:`[y, y+1)`, so fractional
  lives (5.5 years) work and the total over the life equals the cost.
  ``convention="half-year"`` places each vintage in service mid-year (:math:`s_v = v + 0.5`),
  ``"full-year"`` at the start.
* **Change of estimate** (ASC 250-10-45-17, prospective): when the life changes at :math:`T`, the
  remaining net book value is spread over the remaining *new* life,
  :math:`D' = NBV_v(T)/(N_{new} - (T - s_v))`; when the asset is already older than the new
  life, the whole remaining NBV is charged in the year of the change.
* **Earnings effect.** A change's effect on operating income is the depreciation under the old
  policy minus that under the new one; after tax it is multiplied by :math:`1-τ`.
* **Restatement.** Understated depreciation is :math:`D(N_{economic}) - D(N_{book})`.

Only the short-lived share of capex (servers and network equipment) follows these lives; the
share is an explicit input. Money is in USD bn throughout.

The package: :mod:`~bubblescope.economy.depreciation.schedule` (life policies, capex vintages,
the straight-line schedules), :mod:`~bubblescope.economy.depreciation.restatement` (changes of
estimate and restatements, their results), :mod:`~bubblescope.economy.depreciation.cases` (the
published cases as data, ``cases.yaml``), :mod:`~bubblescope.economy.depreciation.filings`
(capex vintages from SEC filings, read by :mod:`bubblescope.data.capex`),
:mod:`~bubblescope.economy.depreciation.published` (the published cases reproduced) and
:mod:`~bubblescope.economy.depreciation.flattered` (Burry's per-firm figures, DEP-02/03, and
each hyperscaler's P/E at book and restated depreciation).

Examples
--------
Burry's $176B over 2026–28 on the DEP-14 capex path implies an economic life under four years:

>>> res = burry_case()
>>> round(res.total()), round(res.implied_life, 2)
(176, 3.77)

References
----------
FASB ASC 250-10-45-17 (change in accounting estimate, prospective application).
M. Burry, X post 2025-11-10 (understated depreciation, $176B 2026–28) [DEP-01].
"""

from __future__ import annotations

from bubblescope.economy.depreciation.cases import (
    DISCLOSED_CHANGES,
    DisclosedChange,
    load_cases,
)
from bubblescope.economy.depreciation.filings import capex_from_companyfacts, capex_from_ixbrl
from bubblescope.economy.depreciation.flattered import FlatteredResult, flattered
from bubblescope.economy.depreciation.published import (
    DisclosedTable,
    burry_capex,
    burry_case,
    disclosed_all,
    disclosed_case,
)
from bubblescope.economy.depreciation.restatement import (
    EstimateChangeResult,
    RestatementResult,
    change_of_estimate,
    implied_economic_life,
    implied_share,
    restatement,
)
from bubblescope.economy.depreciation.schedule import (
    CapexVintages,
    LifePolicy,
    depreciation_matrix,
)

__all__ = [
    "DISCLOSED_CHANGES",
    "CapexVintages",
    "DisclosedChange",
    "DisclosedTable",
    "EstimateChangeResult",
    "FlatteredResult",
    "LifePolicy",
    "RestatementResult",
    "burry_capex",
    "burry_case",
    "capex_from_companyfacts",
    "capex_from_ixbrl",
    "change_of_estimate",
    "depreciation_matrix",
    "disclosed_all",
    "disclosed_case",
    "flattered",
    "implied_economic_life",
    "implied_share",
    "load_cases",
    "restatement",
]
