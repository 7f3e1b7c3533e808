"""Ken French's industry portfolios as a panel: returns, firm counts, sizes and a market proxy.

:func:`french_industries` builds :class:`FrenchIndustries` from the long table the package ships
(:func:`bubblescope.data.bundled.load_french49`: one row per month and industry), the same
object :func:`read_french_industries` reads from French's original text file.

References
----------
Kenneth R. French Data Library, 49 Industry Portfolios.
https://mba.tuck.dartmouth.edu/pages/faculty/ken.french/data_library.html
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from bubblescope.detect._runup_french import (
    FrenchIndustries,
    _month_end_index,
    read_french_industries,
)
from bubblescope.errors import DataError

__all__ = ["FrenchIndustries", "french_industries", "read_french_industries"]


def french_industries(long: pd.DataFrame) -> FrenchIndustries:
    """Build the industry panel from a long table.

    Parameters
    ----------
    long : pandas.DataFrame
        Columns ``month`` (YYYYMM), ``industry``, ``vw_return_pct`` (value-weighted return, %,
        NaN when missing), ``n_firms``, ``firm_size`` ($ million).

    Returns
    -------
    FrenchIndustries
        Returns as fractions; the market is the lagged-capitalisation-weighted mean of the
        industry returns (see :class:`FrenchIndustries`).

    Raises
    ------
    DataError
        Missing columns or a month/industry pair that appears twice.
    """
    needed = ["month", "industry", "vw_return_pct", "n_firms", "firm_size"]
    missing = [c for c in needed if c not in long.columns]
    if missing:
        raise DataError(f"industry table lacks column(s) {missing}")
    if long.duplicated(["month", "industry"]).any():
        raise DataError("industry table repeats a (month, industry) pair")
    order = list(dict.fromkeys(long["industry"].astype(str)))

    def wide(column: str) -> pd.DataFrame:
        out = long.pivot(index="month", columns="industry", values=column)[order]
        out.index = _month_end_index(out.index.astype(str))
        out.columns.name = None
        return out.astype(np.float64)

    returns = wide("vw_return_pct") / 100.0
    n_firms = wide("n_firms")
    firm_size = wide("firm_size")
    cap = (n_firms * firm_size).where(returns.notna())
    market = (cap * returns).sum(axis=1) / cap.sum(axis=1)
    return FrenchIndustries(returns, n_firms, firm_size, market.rename("market"), "shipped")
