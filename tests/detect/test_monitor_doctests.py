"""The docstring examples of the sequential monitors run."""

from __future__ import annotations

import doctest
import importlib

import pytest


@pytest.mark.parametrize(
    "module",
    [
        "bubblescope.detect.whl",
        "bubblescope.detect.sign_based",
        "bubblescope.detect.breitung_diegel",
        "bubblescope.detect.critical_values.sequential",
    ],
)
def test_docstring_examples_run(module: str) -> None:
    result = doctest.testmod(importlib.import_module(module), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0
    assert result.failed == 0
