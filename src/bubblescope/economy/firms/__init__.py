"""Firms as they stand: the labs' runway against their contracted payments.

The public firms' balance sheets are read by :mod:`bubblescope.data.financials`; this package
holds the models built on them (:mod:`bubblescope.economy.firms.runway`).
"""

from __future__ import annotations

from bubblescope.economy.firms.runway import RunwayResult, runway

__all__ = ["RunwayResult", "runway"]
