import doctest
import importlib

import pytest


@pytest.mark.parametrize(
    "module",
    ["units", "assumptions", "depreciation", "depreciation.schedule", "gpu", "power", "valuation"],
)
def test_docstring_examples_run(module: str) -> None:
    mod = importlib.import_module(f"bubblescope.economy.{module}")
    result = doctest.testmod(mod, optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
