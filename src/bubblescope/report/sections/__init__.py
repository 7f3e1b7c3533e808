"""Section builders: the report's sections, placed and generated from the registry of analyses.

Every entry of :data:`bubblescope.analyses.registry.REGISTRY` with a report position
(:attr:`~bubblescope.analyses.base.Analysis.report`) has a section there: its hand-written
builder where :data:`HANDWRITTEN` has one (a module here exposing ``build(ctx: ReportContext) ->
Section``), else one generated from its result (:mod:`~bubblescope.report.sections.generated`).
:data:`EXTRA` holds the sections that present no single analysis. :data:`SECTIONS` is the
result, in report order: a new analysis gets its section from its registry entry alone.
"""

from __future__ import annotations

from collections.abc import Callable

from bubblescope.analyses.registry import REGISTRY
from bubblescope.report.context import ReportContext
from bubblescope.report.model import Section
from bubblescope.report.sections import backtest as backtest
from bubblescope.report.sections import comparison as comparison
from bubblescope.report.sections import depreciation as depreciation
from bubblescope.report.sections import drawdowns as drawdowns
from bubblescope.report.sections import firms as firms
from bubblescope.report.sections import gauge as gauge
from bubblescope.report.sections import generated as generated
from bubblescope.report.sections import gpu as gpu
from bubblescope.report.sections import lppls as lppls
from bubblescope.report.sections import network as network
from bubblescope.report.sections import power as power
from bubblescope.report.sections import psy as psy
from bubblescope.report.sections import status as status
from bubblescope.report.sections import valuation as valuation

__all__ = ["EXTRA", "HANDWRITTEN", "SECTIONS", "Builder"]

Builder = Callable[[ReportContext], Section]

#: Registry name -> (section key, hand-written builder).
HANDWRITTEN: dict[str, tuple[str, Builder]] = {
    "status": ("status", status.build),
    "psy": ("psy", psy.build),
    "lppls-confidence": ("lppls", lppls.build),
    "drawdown": ("drawdowns", drawdowns.build),
    "backtest": ("backtest", backtest.build),
    "network": ("network", network.build),
    "firms": ("firms", firms.build),
    "depreciation": ("depreciation", depreciation.build),
    "gpu": ("gpu", gpu.build),
    "power": ("power", power.build),
    "valuation": ("valuation", valuation.build),
    "gauge-market": ("gauge", gauge.build),
}

#: Sections of no single analysis: (report position, key, builder).
EXTRA: tuple[tuple[int, str, Builder], ...] = (
    (40, "comparison", comparison.build),  # the AI basket against the dot-com basket
)


def _sections() -> tuple[tuple[str, Builder], ...]:
    placed = [
        (entry.report, *HANDWRITTEN.get(entry.name, (entry.name, generated.builder(entry))))
        for entry in REGISTRY
        if entry.report is not None
    ]
    return tuple((key, build) for _, key, build in sorted([*placed, *EXTRA], key=lambda s: s[0]))


#: (key, builder) in report order.
SECTIONS: tuple[tuple[str, Builder], ...] = _sections()
