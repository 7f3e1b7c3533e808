"""YAML reading: PyYAML's safe loader, on libyaml's C parser where PyYAML was built with it.

The shipped assumption, scenario and settings files are parsed many times in one report; the C
parser reads them several times faster than the pure-Python one and builds the same objects
(``tests/test_yaml.py`` checks every shipped file both ways). Errors are PyYAML's
(:class:`yaml.YAMLError`) either way.
"""

from __future__ import annotations

from typing import IO, Any

__all__ = ["safe_load"]


def safe_load(stream: str | IO[str]) -> Any:
    """``yaml.safe_load`` of ``stream``, with ``yaml.CSafeLoader`` when PyYAML has it."""
    import yaml  # type: ignore[import-untyped,unused-ignore]

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(stream, Loader=loader)
