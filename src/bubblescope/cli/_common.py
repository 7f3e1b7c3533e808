"""Pieces every CLI command shares: JSON output, one-line errors, progress bars."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

if TYPE_CHECKING:
    from bubblescope._typing import ProgressCallback

__all__ = [
    "COST_LIMIT_S",
    "JSON_OPTION",
    "YES_OPTION",
    "check_cost",
    "console",
    "date_callback",
    "emit",
    "emit_with_data",
    "err_console",
    "handle_errors",
    "jobs_callback",
    "parse_date",
    "progress_bar",
    "to_jsonable",
]

#: Markup is off: every string printed holds user text somewhere (a file name, a column, a
#: symbol, an error message), and ``[red]evil.csv`` or a column named ``[/x]`` must print as
#: written, never restyle or crash the output. Style goes through ``style=`` or ``Text``.
console = Console(markup=False)
err_console = Console(stderr=True, markup=False)

#: Reusable ``--json`` option: every command prints its result's ``to_dict()`` as JSON.
JSON_OPTION = typer.Option(False, "--json", help="Print the result as JSON (for scripts).")


_PARTIAL_DATE = re.compile(r"(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")


def parse_date(value: str | None, option: str) -> str | None:
    """Check a date given on the command line; return it unchanged (None stays None).

    Accepted: ``YYYY``, ``YYYY-MM``, ``YYYY-MM-DD`` (a real calendar date) and full ISO 8601
    timestamps (``2020-01-31T16:00``). Relative words (``yesterday``) and impossible dates
    (``2020-02-30``, ``2020-13-45``) are refused.

    Raises
    ------
    InputError
        Naming the option, the value and the accepted forms.
    """
    if value is None:
        return None
    text = value.strip()
    match = _PARTIAL_DATE.fullmatch(text)
    try:
        if match:
            year, month, day = match.groups()
            dt.date(int(year), int(month or 1), int(day or 1))
        else:
            dt.datetime.fromisoformat(text)
    except ValueError:
        from bubblescope.errors import InputError

        raise InputError(
            f"{option}: {value!r} is not a date",
            hint="write YYYY-MM-DD (a real calendar date), YYYY-MM or YYYY",
        ) from None
    return text


def date_callback(param: typer.CallbackParam, value: str | None) -> str | None:
    """Typer callback for ``--start``/``--end``: :func:`parse_date`, a usage error (exit 2)."""
    from bubblescope.errors import InputError

    option = param.opts[0] if param.opts else str(param.name)
    try:
        return parse_date(value, option)
    except InputError as exc:
        raise typer.BadParameter(str(exc).removeprefix(f"{option}: ")) from None


def jobs_callback(param: typer.CallbackParam, value: int | None) -> int | None:
    """Typer callback for ``--jobs``: refuse 0 and values below -1 before any work starts.

    The value passes unchanged; :func:`bubblescope.parallel.resolve_jobs` clamps it to the
    cores when the pool is made.
    """
    from bubblescope.errors import InputError
    from bubblescope.parallel import resolve_jobs

    try:
        resolve_jobs(value)
    except InputError as exc:
        raise typer.BadParameter(str(exc)) from None
    return value


#: Reusable ``--jobs`` option for commands that map work over local processes.
JOBS_OPTION = typer.Option(
    1,
    help="Local worker processes, at most one per core (1 = this process, on numba's "
    "threads; -1 = all cores).",
    callback=jobs_callback,
)
#: Reusable ``--dask`` option: run the same work on a Dask cluster instead.
DASK_OPTION = typer.Option(None, help="Dask scheduler address, or 'local' for a LocalCluster.")


#: Seconds of estimated work (reference machine, 2 cores) a command runs without ``--yes``; the
#: same figure as the web server's default budget per analysis.
COST_LIMIT_S = 120.0
#: Estimates from this many seconds up are printed before the work starts.
_ANNOUNCE_S = 10.0

#: Reusable ``--yes`` option: run even when the estimated cost is over :data:`COST_LIMIT_S`.
YES_OPTION = typer.Option(
    False,
    "--yes",
    help=f"Run even when the estimated work is over {COST_LIMIT_S:.0f} s.",
)


def check_cost(
    seconds: float, basis: str, hint: str, yes: bool, *, announce_s: float = _ANNOUNCE_S
) -> None:
    """Refuse work estimated over :data:`COST_LIMIT_S` unless ``yes``; announce long work.

    Parameters
    ----------
    seconds : float
        The estimate, seconds of the reference machine.
    basis : str
        What was counted (``"PSY: T=2,012, lag 12, 1,999 replications"``).
    hint : str
        How to make the work cheaper.
    yes : bool
        The user's ``--yes``.
    announce_s : float
        Estimates from this many seconds up are printed (on stderr) before the work starts.

    Raises
    ------
    InputError
        When the estimate is over the limit and ``yes`` is False; it names the estimate.
    """
    from bubblescope.errors import InputError

    if seconds > COST_LIMIT_S and not yes:
        raise InputError(
            f"{basis}: estimated {seconds:,.0f} s of computation, over the limit of "
            f"{COST_LIMIT_S:,.0f} s",
            hint=f"{hint}; or pass --yes to run it anyway",
        )
    if seconds >= announce_s:
        err_console.print(
            f"estimated {seconds:,.0f} s of computation: {basis}", style="dim", highlight=False
        )


def to_jsonable(value: Any) -> Any:
    """:func:`bubblescope._json.to_jsonable`, imported when first used.

    It imports numpy and pandas, which every command's ``--help`` would otherwise pay for.
    """
    from bubblescope._json import to_jsonable as convert

    return convert(value)


def emit(payload: dict[str, Any], as_json: bool, render: Callable[[], None]) -> None:
    """Print ``payload`` as JSON when ``as_json``, else call ``render`` for the human view."""
    if as_json:
        typer.echo(json.dumps(to_jsonable(payload), indent=2, allow_nan=False))
    else:
        render()


def emit_with_data(
    payload: dict[str, Any], as_json: bool, render: Callable[[], None], frame: Any
) -> None:
    """:func:`emit`, stating the prices used: ``payload["data"]`` and a line after the render.

    ``frame`` is the price frame or series the command read (its ``attrs`` name the vintage).
    The line names the vintage and dates; a note follows for each thing reading a file changed
    (rows without a close dropped, newest-first order reversed), and a stale-data warning when
    the prices are more than 14 days old.
    """
    from bubblescope.data.catalog import data_info

    info = data_info(frame)

    def render_with_data() -> None:
        render()
        console.print(
            f"data: {info['vintage']}; {info['first_date']} to {info['last_date']}",
            highlight=False,
        )
        for note in info["notes"]:
            console.print(f"note: {note}", highlight=False)
        if info["stale"]:
            console.print(f"warning: {info['stale']}", style="yellow", highlight=False)

    emit({**payload, "data": info}, as_json, render_with_data)


@contextmanager
def progress_bar(description: str, enabled: bool = True) -> Iterator[ProgressCallback]:
    """Yield a ``progress(done, total)`` callback drawing a rich progress bar on stderr."""
    if not enabled:
        yield lambda done, total: None
        return
    with Progress(
        TextColumn("{task.description}", style="bold", markup=False),
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
