"""``bubblescope scenario``: Monte Carlo of the AI capex system from YAML scenarios."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import typer

from bubblescope.cli._common import (
    DASK_OPTION,
    JOBS_OPTION,
    JSON_OPTION,
    console,
    emit,
    handle_errors,
    progress_bar,
)

if TYPE_CHECKING:
    from concurrent.futures import Executor

    from bubblescope.scenario.spec import ScenarioSpec

__all__ = ["register"]

_SET = typer.Option([], "--set", help="NAME=VALUE in the parameter's model unit (repeatable).")
_PLOT = typer.Option(None, "--plot", help="Write the chart to this file (png/svg/pdf).")
_RANGES = typer.Option(None, "--ranges", help="A ranges YAML file (default: the shipped one).")

RUN_HELP = """Simulate a scenario of the AI capex system: capex against funding (cash flow, debt,
equity tied to valuations) and power, AI revenue served, the GPU fleet by vintage, and a bust
driven by the evidence: the AI index is valued by DCF, its price implies a revenue path (reverse
DCF), and the gap between that path and revenue served makes the mispricing public; herding
sellers (Abreu-Brunnermeier) and funding failure then set the timing. With no gap the bust odds
fall to the historical base rate (S&P 500 crashes since 1927). Reports bust odds, timing and
depth, firms in default on the financing network, the macro transmission (GDP, wealth effect)
and the legacy (GW and shells vs GPU value written off).

SCENARIO is a preset name (see `bubblescope scenario list`) or a YAML file.

Results are identical for a seed whether run serially, with --jobs or on Dask (--dask).

Example: `bubblescope scenario run funding_squeeze --paths 20000 --seed 1 --set kappa=0.1`.
"""

SENSITIVITY_HELP = """Which assumption decides the answer: global sensitivity (Sobol or Morris,
with SALib) of a scenario's bust odds, mean time to a bust and depth, each parameter varied over
its stated range (scenario/ranges.yaml, or --ranges FILE), every evaluation a Monte Carlo run
of --paths paths on common random numbers. Prints the top drivers; --plot draws the tornado.

Identical for a seed whether run serially, with --jobs or on Dask (--dask). Needs the
'sensitivity' extra (SALib).

Example: `bubblescope scenario sensitivity base --method morris --n 10 --seed 1`.
"""


def _spec_and_executor(
    scenario: str, settings: list[str], dask: str | None
) -> tuple[ScenarioSpec, Executor | None]:
    """The scenario with the command line's ``--set`` values, and the ``--dask`` executor."""
    from bubblescope.scenario import load_scenario

    spec = load_scenario(scenario)
    if settings:
        spec = spec.with_overrides(list(settings))
    if dask is None:
        return spec, None
    from bubblescope.parallel import dask_executor

    return spec, dask_executor(None if dask == "local" else dask)


def register(app: typer.Typer) -> None:
    """Add the ``scenario`` command group to ``app``."""
    group = typer.Typer(
        help="Scenario Monte Carlo of the AI capex system (YAML scenarios).", no_args_is_help=True
    )

    @group.command("run", help=RUN_HELP, short_help="Run a scenario Monte Carlo.")
    @handle_errors
    def run(
        scenario: str = typer.Argument("base", help="Preset name or YAML file."),
        paths: int | None = typer.Option(
            None, "--paths", help="Number of Monte Carlo paths (default: the standard preset's)."
        ),
        seed: int | None = typer.Option(
            None, "--seed", help="Random seed (default: the standard preset's, reproducible)."
        ),
        jobs: int = JOBS_OPTION,
        dask: str | None = DASK_OPTION,
        chunk_size: int = typer.Option(
            2_000, "--chunk-size", help="Paths per work item (part of the random stream)."
        ),
        settings: list[str] = _SET,
        plot: Path | None = _PLOT,
        as_json: bool = JSON_OPTION,
    ) -> None:
        from bubblescope.analyses.registry import ScenarioSettings
        from bubblescope.scenario import run_scenario

        standard = ScenarioSettings.preset("standard")
        paths = standard.paths if paths is None else paths
        seed = standard.seed if seed is None else seed
        spec, executor = _spec_and_executor(scenario, settings, dask)
        try:
            with progress_bar(f"scenario {spec.name}", enabled=not as_json) as progress:
                result = run_scenario(
                    spec,
                    n_paths=paths,
                    rng=seed,
                    chunk_size=chunk_size,
                    n_jobs=jobs,
                    executor=executor,
                    progress=progress,
                )
        finally:
            if executor is not None:
                executor.shutdown()
        if plot is not None:
            result.plot().savefig(plot)
        emit(result.to_dict(), as_json, lambda: console.print(result.summary(), markup=False))

    @group.command(
        "sensitivity", help=SENSITIVITY_HELP, short_help="Which assumption decides the answer."
    )
    @handle_errors
    def sensitivity(
        scenario: str = typer.Argument("base", help="Preset name or YAML file."),
        method: str = typer.Option("sobol", "--method", help="sobol or morris."),
        n: int = typer.Option(
            64, "--n", help="SALib's N: base samples (Sobol, a power of 2) or trajectories."
        ),
        paths: int = typer.Option(400, "--paths", help="Monte Carlo paths per evaluation."),
        seed: int = typer.Option(1, "--seed", help="Random seed (sampler, bootstrap, paths)."),
        jobs: int = JOBS_OPTION,
        dask: str | None = DASK_OPTION,
        chunk_size: int = typer.Option(64, "--chunk-size", help="Parameter rows per work item."),
        ranges: Path | None = _RANGES,
        settings: list[str] = _SET,
        plot: Path | None = _PLOT,
        as_json: bool = JSON_OPTION,
    ) -> None:
        from bubblescope.errors import InputError
        from bubblescope.scenario.sensitivity import scenario_sensitivity

        if method not in ("sobol", "morris"):
            raise InputError(f"--method must be sobol or morris, got {method!r}")
        spec, executor = _spec_and_executor(scenario, settings, dask)
        try:
            with progress_bar(f"sensitivity {spec.name}", enabled=not as_json) as progress:
                result = scenario_sensitivity(
                    spec,
                    method="sobol" if method == "sobol" else "morris",
                    n=n,
                    n_paths=paths,
                    rng=seed,
                    ranges=ranges,
                    chunk_size=chunk_size,
                    n_jobs=jobs,
                    executor=executor,
                    progress=progress,
                )
        finally:
            if executor is not None:
                executor.shutdown()
        if plot is not None:
            result.plot().savefig(plot)
        emit(result.to_dict(), as_json, lambda: console.print(result.summary(), markup=False))

    @group.command("list")
    @handle_errors
    def list_command(as_json: bool = JSON_OPTION) -> None:
        """The scenario presets shipped with bubblescope."""
        from bubblescope.scenario import list_presets, load_scenario

        specs = [load_scenario(name) for name in list_presets()]
        payload = {"presets": [{"name": s.name, "description": s.description} for s in specs]}

        def render() -> None:
            for s in specs:
                console.print(f"{s.name}: {s.description}", markup=False)

        emit(payload, as_json, render)

    @group.command("show")
    @handle_errors
    def show(
        scenario: str = typer.Argument(..., help="Preset name or YAML file."),
        as_json: bool = JSON_OPTION,
    ) -> None:
        """A scenario's parameters with their values, units and sources or assumptions."""
        from bubblescope.scenario import load_scenario

        spec = load_scenario(scenario)

        def render() -> None:
            console.print(f"{spec.name} ({spec.origin}): {spec.description}", markup=False)
            console.print(
                f"years {spec.years[0]}-{spec.years[-1]}; funding closes for: "
                f"{', '.join(spec.closure_firms)}",
                markup=False,
            )
            for row in spec.inputs_frame_rows():
                console.print(
                    f"  {row['parameter']} = {row['value']:g} {row['unit']} "
                    f"[{row['kind']}: {row['source']}]",
                    markup=False,
                )

        emit(spec.to_dict(), as_json, render)

    app.add_typer(group, name="scenario")
