"""``bubblescope._yaml.safe_load``: libyaml's C parser builds what PyYAML's Python parser builds."""

from __future__ import annotations

import datetime
import math
from pathlib import Path
from typing import Any

import pytest
import yaml

import bubblescope
from bubblescope import _yaml

SHIPPED = sorted(
    p for ext in ("*.yaml", "*.yml") for p in Path(bubblescope.__file__).parent.rglob(ext)
)


def _same(a: Any, b: Any) -> bool:
    """Equal, with the types too (1 is not 1.0 here) and NaN equal to NaN."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return bool(a == b)


def test_every_shipped_yaml_file_is_found() -> None:
    names = {p.name for p in SHIPPED}
    assert {"presets.yaml", "gpu.yaml", "base.yaml", "ranges.yaml", "datacard.yaml"} <= names
    assert len(SHIPPED) >= 18


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_c_parser_reads_every_shipped_file_as_the_python_parser(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert _same(_yaml.safe_load(text), yaml.load(text, Loader=yaml.SafeLoader))


def test_the_c_parser_is_used_where_pyyaml_has_it(monkeypatch: pytest.MonkeyPatch) -> None:
    if not yaml.__with_libyaml__:
        pytest.skip("PyYAML built without libyaml: the Python parser is the only one")
    used: list[str] = []

    class Spy(yaml.CSafeLoader):  # type: ignore[misc,unused-ignore]
        def __init__(self, stream: Any) -> None:
            used.append("C")
            super().__init__(stream)

    monkeypatch.setattr(yaml, "CSafeLoader", Spy)
    got = _yaml.safe_load("a: [1, 2.5, .nan, 2026-12-07, yes, null]\nb: {c: 'x'}\n")
    want = {"a": [1, 2.5, math.nan, datetime.date(2026, 12, 7), True, None], "b": {"c": "x"}}
    assert _same(got, want)
    assert used == ["C"]


def test_malformed_yaml_raises_pyyamls_error() -> None:
    with pytest.raises(yaml.YAMLError, match="line 1"):
        _yaml.safe_load("a: [1, 2\nb: }\n")
