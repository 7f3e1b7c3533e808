"""Firms as they stand: the labs' runway against their contracted payments, and one view of all.

The public firms' balance sheets are read by :mod:`bubblescope.data.financials`; this package
holds the models built on them (:mod:`bubblescope.economy.firms.runway`) and the view that puts
balance sheets, a stress's exposures, runway and restated P/E together, each number linked to
its filing or fact (:mod:`bubblescope.economy.firms.view`).
"""

from __future__ import annotations

from bubblescope.economy.firms.runway import RunwayResult, runway
from bubblescope.economy.firms.view import FirmsResult, firms_view

__all__ = ["FirmsResult", "RunwayResult", "firms_view", "runway"]
