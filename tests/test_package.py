"""Package surface: lazy re-exports resolve, and importing stays light."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys

import pytest

import bubblescope


@pytest.mark.parametrize("package", ["bubblescope.detect", "bubblescope.economy"])
def test_every_reexport_resolves_to_a_public_name(package: str) -> None:
    pkg = importlib.import_module(package)
    for name in pkg.__all__:
        obj = getattr(pkg, name)
        home = importlib.import_module(f"{package}.{pkg._EXPORTS[name]}")
        assert obj is getattr(home, name)
        assert name in getattr(home, "__all__", [name]) or pkg._EXPORTS[name].startswith("_")
    with pytest.raises(AttributeError, match="no attribute 'nonsense'"):
        pkg.nonsense  # noqa: B018


@pytest.mark.parametrize("package", ["bubblescope.detect", "bubblescope.economy"])
def test_no_reexport_is_shadowed_by_a_submodule(package: str) -> None:
    # a submodule named like a re-exported function would replace it once imported
    pkg = importlib.import_module(package)
    submodules = {m.name for m in pkgutil.iter_modules(pkg.__path__)}
    assert not submodules & set(pkg.__all__)
    for name in submodules:
        importlib.import_module(f"{package}.{name}")
    for name in pkg.__all__:
        assert getattr(pkg, name) is getattr(
            importlib.import_module(f"{package}.{pkg._EXPORTS[name]}"), name
        )


def test_the_entry_points_and_input_types_are_public() -> None:
    from bubblescope import _typing
    from bubblescope.data import FrameLike, SeriesLike

    detect = importlib.import_module("bubblescope.detect")
    economy = importlib.import_module("bubblescope.economy")
    assert {"psy", "psy_panel", "runup", "drawdown", "multiples", "lppls_fit"} <= set(
        detect.__all__
    )
    assert "stress" in economy.__all__
    assert (SeriesLike, FrameLike) == (_typing.SeriesLike, _typing.FrameLike)


def test_import_does_not_load_numba_scipy_or_optional_extras() -> None:
    code = (
        "import sys, bubblescope, bubblescope.detect, bubblescope.economy, bubblescope.cli.main;"
        "heavy = [m for m in ('numba', 'scipy', 'jax', 'dask', 'matplotlib', 'fastapi', 'plotly')"
        " if m in sys.modules]; print(','.join(heavy))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
    assert bubblescope.__version__
