"""The docstring examples of the scenario package run."""

from __future__ import annotations

import doctest
import importlib

import pytest


@pytest.mark.parametrize(
    "module",
    [
        "bubblescope.scenario",
        "bubblescope.scenario.runner",
        "bubblescope.scenario.pricing",
        "bubblescope.scenario.base_rate",
        "bubblescope.scenario.demand",
        "bubblescope.scenario.power_feed",
    ],
)
def test_docstring_examples_run(module: str) -> None:
    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
