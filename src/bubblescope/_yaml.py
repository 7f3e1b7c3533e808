"""YAML reading: PyYAML's safe loader, on libyaml's C parser where PyYAML was built with it.

The shipped assumption, scenario and settings files are parsed many times in one report; the C
parser reads them several times faster than the pure-Python one and builds the same objects
(``tests/test_yaml.py`` checks every shipped file both ways). :func:`safe_load` raises PyYAML's
errors (:class:`yaml.YAMLError`); :func:`load_file`, for a file a user names, raises a typed
bubblescope error that names the file, and the line and column of a syntax error.
"""

from __future__ import annotations

from pathlib import Path
from typing import IO, Any

from bubblescope.errors import BubblescopeError, InputError

__all__ = ["describe", "load_file", "safe_load"]


def safe_load(stream: str | IO[str]) -> Any:
    """``yaml.safe_load`` of ``stream``, with ``yaml.CSafeLoader`` when PyYAML has it."""
    import yaml  # type: ignore[import-untyped,unused-ignore]

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(stream, Loader=loader)  # a safe loader either way


def load_file(path: str | Path, error: type[BubblescopeError] = InputError) -> Any:
    """The YAML document in the file ``path`` (UTF-8).

    Raises
    ------
    BubblescopeError
        Of class ``error``: the file cannot be read (missing, a folder, not UTF-8) or is not
        valid YAML; the message names the file, and the line and column of a syntax error.
    """
    import yaml  # type: ignore[import-untyped,unused-ignore]

    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        raise error(f"cannot read {p}: {reason}") from None
    try:
        return safe_load(text)
    except yaml.YAMLError as exc:
        raise error(f"{p}: not valid YAML: {describe(exc)}") from None


def describe(exc: Exception) -> str:
    """What is wrong in a document PyYAML refused, and where (line and column, 1-based).

    The problem and its place, without PyYAML's name for the stream (``"<unicode string>"``
    for parsed text), which the caller replaces with the file's name.
    """
    import yaml  # type: ignore[import-untyped,unused-ignore]

    if isinstance(exc, yaml.reader.ReaderError):
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        return f"character #x{code:04x} at position {exc.position + 1}: {exc.reason}"
    mark = getattr(exc, "problem_mark", None)
    problem = getattr(exc, "problem", None) or " ".join(str(exc).split())
    at = "" if mark is None else f" at line {mark.line + 1}, column {mark.column + 1}"
    return f"{problem}{at}"
