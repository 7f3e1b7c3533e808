"""Pieces every CLI command shares: JSON output, one-line errors, progress bars."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any

import numpy as np
import pandas as pd
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from bubblescope._typing import ProgressCallback

__all__ = [
    "JSON_OPTION",
    "console",
    "emit",
    "err_console",
    "handle_errors",
    "progress_bar",
    "to_jsonable",
]

console = Console()
err_console = Console(stderr=True)

#: Reusable ``--json`` option: every command prints its result's ``to_dict()`` as JSON.
JSON_OPTION = typer.Option(False, "--json", help="Print the result as JSON (for scripts).")


def to_jsonable(obj: Any) -> Any:
    """Convert numpy/pandas/datetime values (recursively) into plain JSON types.

    NaN and infinities become ``null``, since JSON has no representation for them.
    """
    if isinstance(obj, dict):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return [to_jsonable(v) for v in obj.tolist()]
    if isinstance(obj, pd.Series):
        return {str(k): to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, pd.DataFrame):
        return [to_jsonable(r) for r in obj.reset_index().to_dict(orient="records")]
    if isinstance(obj, (pd.Timestamp, datetime)):
        return (
            obj.isoformat()
            if obj != obj.replace(hour=0, minute=0, second=0, microsecond=0)
            else obj.date().isoformat()
        )
    if isinstance(obj, date):
        return obj.isoformat()
    if isinstance(obj, (np.bool_, bool)):
        return bool(obj)
    if isinstance(obj, (np.integer,)):
        return int(obj)
    if isinstance(obj, (float, np.floating)):
        value = float(obj)
        return value if math.isfinite(value) else None
    if obj is None or isinstance(obj, (str, int)):
        return obj
    if obj is pd.NaT:
        return None
    return str(obj)


def emit(payload: dict[str, Any], as_json: bool, render: Callable[[], None]) -> None:
    """Print ``payload`` as JSON when ``as_json``, else call ``render`` for the human view."""
    if as_json:
        typer.echo(json.dumps(to_jsonable(payload), indent=2, allow_nan=False))
    else:
        render()


@contextmanager
def progress_bar(description: str, enabled: bool = True) -> Iterator[ProgressCallback]:
    """Yield a ``progress(done, total)`` callback drawing a rich progress bar on stderr."""
    if not enabled:
        yield lambda done, total: None
        return
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err_console,
        transient=True,
    ) as bar:
        task = bar.add_task(description, total=None)

        def callback(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield callback


def handle_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Decorate a command: a :class:`BubblescopeError` becomes one line on stderr and its exit code.

    Anything else is a bug and keeps its traceback.
    """
    import functools

    from bubblescope.errors import BubblescopeError

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except BubblescopeError as exc:
            err_console.print(
                f"error: {exc}", style="red", highlight=False, soft_wrap=True, markup=False
            )
            raise typer.Exit(code=exc.exit_code) from None

    return wrapper
