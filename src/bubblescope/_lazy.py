"""Lazy re-exports for subpackages (PEP 562), so importing a package stays cheap.

``bubblescope.detect`` re-exports ``psy``, ``lppls_fit`` and friends, but importing it must not
compile numba kernels or load scipy until one of them is used. A package lists its public names
and the submodule holding each; :func:`lazy_exports` returns the module-level ``__getattr__``
and ``__dir__`` that import the submodule on first access.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any

__all__ = ["lazy_exports"]


def lazy_exports(
    package: str, exports: dict[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """Return ``(__getattr__, __dir__)`` resolving ``exports`` (name -> submodule) on demand."""

    def __getattr__(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(f"{package}.{module}"), name)

    def __dir__() -> list[str]:
        return sorted(exports)

    return __getattr__, __dir__
