"""Section builders: one small module per report section.

Each module exposes ``build(ctx: ReportContext) -> Section`` and presents one engine through
its result objects. :data:`SECTIONS` is the registry, in report order; a section for a new engine
is one new module plus one line here.
"""

from __future__ import annotations

from collections.abc import Callable

from bubblescope.report.context import ReportContext
from bubblescope.report.model import Section
from bubblescope.report.sections import backtest as backtest
from bubblescope.report.sections import comparison as comparison
from bubblescope.report.sections import depreciation as depreciation
from bubblescope.report.sections import drawdowns as drawdowns
from bubblescope.report.sections import gauge as gauge
from bubblescope.report.sections import gpu as gpu
from bubblescope.report.sections import lppls as lppls
from bubblescope.report.sections import network as network
from bubblescope.report.sections import power as power
from bubblescope.report.sections import psy as psy
from bubblescope.report.sections import status as status
from bubblescope.report.sections import valuation as valuation

__all__ = ["SECTIONS", "Builder"]

Builder = Callable[[ReportContext], Section]

#: (key, builder) in report order.
SECTIONS: tuple[tuple[str, Builder], ...] = (
    ("status", status.build),
    ("psy", psy.build),
    ("lppls", lppls.build),
    ("comparison", comparison.build),
    ("drawdowns", drawdowns.build),
    ("backtest", backtest.build),
    ("network", network.build),
    ("depreciation", depreciation.build),
    ("gpu", gpu.build),
    ("power", power.build),
    ("valuation", valuation.build),
    ("gauge", gauge.build),
)
