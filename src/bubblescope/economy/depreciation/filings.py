"""Capex vintages from SEC filings: the records of :mod:`bubblescope.data.capex` as model inputs."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from bubblescope.data.capex import FiledCapex, companyfacts_capex, ixbrl_capex
from bubblescope.economy.depreciation.schedule import CapexVintages
from bubblescope.economy.inputs import Input
from bubblescope.economy.units import Q

__all__ = ["capex_from_companyfacts", "capex_from_ixbrl"]


def _vintages(entity: str, filed: Sequence[FiledCapex]) -> CapexVintages:
    items = {
        f.year: Input(f"{entity} capex {f.period}", Q(f.usd / 1e9, "USD bn"), "filing", f.source)
        for f in filed
    }
    return CapexVintages.from_inputs(entity, items)


def capex_from_companyfacts(
    path_or_facts: str | Path | pd.DataFrame, entity: str, years: Sequence[int] | None = None
) -> CapexVintages:
    """Annual capex (PP&E purchases) from SEC companyfacts via the ``capex`` tag chain.

    ``path_or_facts`` is a companyfacts file, its parsed facts or a fundamentals table (what
    ``bubblescope data fetch TICKER --source sec`` stores); parameters and errors as
    :func:`bubblescope.data.capex.companyfacts_capex`. Each year is a ``filing`` input that
    names its tag, form and accession number.
    """
    return _vintages(entity, companyfacts_capex(path_or_facts, entity, years))


def capex_from_ixbrl(
    path: str | Path, company: str, years: Sequence[int] | None = None
) -> CapexVintages:
    """Annual capex from the inline-XBRL fact table (``ixbrl_10k_facts_*.csv.gz``).

    Parameters and errors as :func:`bubblescope.data.capex.ixbrl_capex`; each year is a
    ``filing`` input that names its tag and file.
    """
    return _vintages(company, ixbrl_capex(path, company, years))
