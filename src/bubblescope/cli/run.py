"""``bubblescope run NAME``: every analysis of the registry, its options built from its settings.

One subcommand per entry of :data:`bubblescope.analyses.registry.REGISTRY`, generated: an
option per settings field (``--load-factor 0.8``; a field that can be empty takes ``none``; a
list takes comma-separated items), ``--preset`` (the values of the options left out), ``--set
NAME=VALUE`` for any field by its own name, ``--json``, ``--plot FILE``, and for an analysis of a
series the SERIES argument with ``--start`` and ``--end``. A new registry entry gets its command
without any code here.
"""

from __future__ import annotations

import dataclasses
import inspect
import typing
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal

import typer
from typer.core import TyperGroup

from bubblescope.cli._common import (
    JSON_OPTION,
    YES_OPTION,
    check_cost,
    console,
    date_callback,
    emit,
    emit_with_data,
    err_console,
    handle_errors,
)

if TYPE_CHECKING:
    from bubblescope.analyses.base import Analysis, SettingField

__all__ = ["register"]

HELP = """Run any analysis of the registry with its settings: `bubblescope run NAME --help` lists
them, each defaulting to the chosen preset's value (--preset standard, quick or publication).

Examples:

  bubblescope run water --cooling closed_loop
  bubblescope run psy NVDA --preset quick --json
  bubblescope run stress --set shocks=OpenAI=0.5,Oracle=0.8
"""

_KEYWORD = inspect.Parameter.KEYWORD_ONLY


def _option(f: SettingField) -> Any:
    """The typer annotation of a settings field's option (text options are coerced later)."""
    from bubblescope.analyses.base import members

    flag = "--" + f.name.replace("_", "-")
    help_text = f.help or f.name.replace("_", " ")
    origin = typing.get_origin(f.annotation)
    if f.annotation is bool:
        return Annotated[bool | None, typer.Option(f"{flag}/--no-{flag[2:]}", help=help_text)]
    if f.annotation in (int, float, str):
        return Annotated[f.annotation | None, typer.Option(flag, help=help_text)]
    if origin is Literal and all(isinstance(c, str) for c in typing.get_args(f.annotation)):
        return Annotated[f.annotation | None, typer.Option(flag, help=help_text)]
    if origin is tuple:
        metavar = "A,B,..."
    else:
        names = [m.__name__ for m in members(f.annotation) if isinstance(m, type)]
        metavar = "|".join(n.replace("NoneType", "none") for n in names).upper() or "TEXT"
    return Annotated[str | None, typer.Option(flag, help=help_text, metavar=metavar)]


def _values(
    entry: Analysis[Any], options: dict[str, Any], assignments: list[str]
) -> dict[str, Any]:
    """The settings the command line gives: its options, then ``--set NAME=VALUE``."""
    from bubblescope.analyses.base import coerce
    from bubblescope.errors import InputError

    fields = {f.name: f for f in entry.fields()}
    values: dict[str, Any] = {}
    for name, f in fields.items():
        given = options.get(name)
        if given is None:
            continue
        values[name] = coerce(given, f.annotation) if isinstance(given, str) else given
    for item in assignments:
        name, sep, text = item.partition("=")
        if not sep or name.strip() not in fields:
            raise InputError(
                f"--set {item!r} is not NAME=VALUE for a setting of {entry.name}",
                hint=f"settings: {sorted(fields)}",
            )
        values[name.strip()] = coerce(text, fields[name.strip()].annotation)
    return values


def _command(entry: Analysis[Any]) -> Any:
    """The typer callback of ``bubblescope run NAME`` (its signature built from the settings)."""
    from bubblescope.analyses.base import PresetName

    fields = entry.fields()
    params: list[inspect.Parameter] = []
    if entry.needs_series:
        series_help = "Shipped series (ticker, nasdaq, sp500), price file or stored symbol."
        params += [
            inspect.Parameter(
                "series", _KEYWORD, annotation=Annotated[str, typer.Argument(help=series_help)]
            ),
            inspect.Parameter(
                "start",
                _KEYWORD,
                default=None,
                annotation=Annotated[
                    str | None,
                    typer.Option("--start", help="First date.", callback=date_callback),
                ],
            ),
            inspect.Parameter(
                "end",
                _KEYWORD,
                default=None,
                annotation=Annotated[
                    str | None,
                    typer.Option("--end", help="Last date.", callback=date_callback),
                ],
            ),
        ]
    preset_option = typer.Option(
        "--preset", help="The preset whose values fill the options left out."
    )
    params.append(
        inspect.Parameter(
            "preset", _KEYWORD, default="standard", annotation=Annotated[PresetName, preset_option]
        )
    )
    params += [
        inspect.Parameter(f.name, _KEYWORD, default=None, annotation=_option(f)) for f in fields
    ]
    set_option = typer.Option("--set", help="NAME=VALUE: any setting by its field name.")
    plot_option = typer.Option("--plot", help="Save the chart to this file (png, svg, pdf).")
    params += [
        inspect.Parameter(
            "assignments",
            _KEYWORD,
            default=None,
            annotation=Annotated[list[str] | None, set_option],
        ),
        inspect.Parameter(
            "plot", _KEYWORD, default=None, annotation=Annotated[Path | None, plot_option]
        ),
        inspect.Parameter("as_json", _KEYWORD, default=JSON_OPTION, annotation=bool),
    ]
    from bubblescope.web.cost import has_estimate

    estimated = has_estimate(entry.settings)
    if estimated:  # refused over the limit without --yes, as the server refuses over budget
        params.append(inspect.Parameter("yes", _KEYWORD, default=YES_OPTION, annotation=bool))

    def command(**kwargs: Any) -> None:
        values = _values(entry, kwargs, kwargs.get("assignments") or [])
        settings = entry.configure(kwargs["preset"], values)
        frame = None
        if entry.needs_series:
            from bubblescope.data.sources import resolve_series

            series = kwargs["series"]
            frame = resolve_series(series, start=kwargs["start"], end=kwargs["end"])
            frame.attrs = {"symbol": series.upper(), **frame.attrs}
        if estimated:
            from bubblescope.web.cost import settings_cost

            estimate = settings_cost(settings, frame)
            if estimate is not None:
                check_cost(estimate.seconds, estimate.basis, estimate.hint, kwargs["yes"])
        result = entry.run(frame, settings)
        if kwargs["plot"] is not None:
            import matplotlib

            matplotlib.use("Agg")
            result.plot().savefig(kwargs["plot"])
        payload = {"settings": dataclasses.asdict(settings), "result": result.to_dict()}

        def render() -> None:
            console.print(result.summary(), markup=False, highlight=False)

        if frame is None:
            emit(payload, kwargs["as_json"], render)
        else:
            emit_with_data(payload, kwargs["as_json"], render, frame)
        if getattr(result, "all_failed", False):  # a scan whose every symbol failed
            err_console.print("error: every part of the run failed; the reasons are above")
            raise typer.Exit(code=1)

    command.__signature__ = inspect.Signature(params)  # type: ignore[attr-defined]
    command.__annotations__ = {p.name: p.annotation for p in params}
    command.__name__ = f"run_{entry.name.replace('-', '_')}"
    command.__doc__ = entry.help
    return handle_errors(command)


class _RegistryGroup(TyperGroup):
    """The ``run`` group: its commands are built from the registry when asked for, not at start.

    ``bubblescope --help`` and every other command then pay nothing for the registry's 19
    generated commands; ``bubblescope run --help`` and ``bubblescope run NAME`` build them.
    """

    def list_commands(self, ctx: Any) -> list[str]:
        from bubblescope.analyses.registry import names

        return list(names())

    def get_command(self, ctx: Any, cmd_name: str) -> Any:  # click's Command or None
        from bubblescope.analyses.registry import REGISTRY

        entry = next((e for e in REGISTRY if e.name == cmd_name), None)
        if entry is None:
            return None
        single = typer.Typer(rich_markup_mode="rich")
        single.command(entry.name, help=entry.help, short_help=entry.title)(_command(entry))
        command = typer.main.get_command(single)
        command.name = entry.name
        return command


def register(app: typer.Typer) -> None:
    """Add the ``run`` group, one command per registry entry (built when used), to ``app``."""
    group = typer.Typer(
        cls=_RegistryGroup, help=HELP, no_args_is_help=True, rich_markup_mode="rich"
    )
    app.add_typer(group, name="run")
