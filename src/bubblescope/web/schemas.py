"""Request bodies of the JSON API (pydantic validates them; bad ones get a 422)."""

from __future__ import annotations

import datetime as dt
import math
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from bubblescope.analyses.engines import (
    DrawdownSettings,
    LPPLSConfidenceSettings,
    PSYAnalysisSettings,
    RunupAnalysisSettings,
    StressSettings,
)
from bubblescope.analyses.registry import ScenarioSettings

__all__ = [
    "DrawdownRequest",
    "ErrorBody",
    "FieldError",
    "LPPLSConfidenceRequest",
    "LPPLSRequest",
    "PSYRequest",
    "RunupRequest",
    "ScenarioRequest",
    "SeriesRequest",
    "Shock",
    "StressRequest",
    "ValidationErrorBody",
]

#: The registry's standard presets: the defaults of every request.
_PSY = PSYAnalysisSettings.preset("standard")
_CONFIDENCE = LPPLSConfidenceSettings.preset("standard")
_RUNUP = RunupAnalysisSettings.preset("standard")
_DRAWDOWN = DrawdownSettings.preset("standard")
_STRESS = StressSettings.preset("standard")
#: The dashboard's scenario runs take the quick preset's paths, the standard seed.
_SCENARIO, _SCENARIO_QUICK = ScenarioSettings.preset("standard"), ScenarioSettings.preset("quick")

#: Series names: shipped names, ``upload-xxxxxxxx`` or store symbols (never paths).
SERIES_PATTERN = r"^[A-Za-z0-9._^-]{1,64}$"


class SeriesRequest(BaseModel):
    """A series and an optional date window."""

    model_config = ConfigDict(extra="forbid")

    series: str = Field(
        "NASDAQ",
        pattern=SERIES_PATTERN,
        description="shipped series (ticker, NASDAQ, SP500), upload name or stored symbol",
    )
    start: dt.date | None = Field(None, description="first date (inclusive)")
    end: dt.date | None = Field(None, description="last date (inclusive)")


class PSYRequest(SeriesRequest):
    """PSY exuberance test settings."""

    transform: Literal["log", "level"] = Field("log", description="test log prices or levels")
    frequency: Literal["D", "W", "M"] = Field(
        _PSY.frequency,
        description="resample to daily, weekly (last close of the week) or month-end closes "
        "(default: the standard run's)",
    )
    lag: int = Field(_PSY.lag, ge=0, le=12)
    reps: int = Field(
        _PSY.reps,
        ge=50,
        le=2000,
        description="Monte Carlo replications (default: the standard run's)",
    )
    level: float = Field(_PSY.level, description="confidence level: 0.9, 0.95 or 0.99")

    @field_validator("level")
    @classmethod
    def _known_level(cls, value: float) -> float:
        if value not in (0.9, 0.95, 0.99):
            raise ValueError("level must be 0.9, 0.95 or 0.99 (the simulated levels)")
        return value


class LPPLSRequest(SeriesRequest):
    """One LPPLS fit on the window [start, end]."""


class LPPLSConfidenceRequest(SeriesRequest):
    """DS LPPLS Confidence over the window's dates."""

    max_window: int = Field(_CONFIDENCE.max_window, ge=40, le=750)
    min_window: int = Field(_CONFIDENCE.min_window, ge=20, le=750)
    step: int = Field(_CONFIDENCE.step, ge=1, le=100)
    every: int = Field(_CONFIDENCE.every, ge=1, le=250, description="every n-th trading day")


class RunupRequest(SeriesRequest):
    """GSY run-up settings (month-end prices)."""

    threshold: float = Field(
        _RUNUP.threshold, gt=0.0, le=20.0, description="return that counts as a run-up"
    )
    horizon: int = Field(_RUNUP.horizon_months, ge=2, le=120, description="months")
    crash_drawdown: float = Field(_RUNUP.crash_drawdown, gt=0.0, lt=1.0)


class DrawdownRequest(SeriesRequest):
    """Drawdown settings."""

    top: int = Field(_DRAWDOWN.top, ge=1, le=50)


class Shock(BaseModel):
    """``firm`` pays ``fraction`` of its obligations."""

    model_config = ConfigDict(extra="forbid")

    firm: str = Field(..., min_length=1, max_length=64)
    fraction: float = Field(..., ge=0.0, le=1.0)


def _standard_shocks() -> list[Shock]:
    """The registry's standard stress scenario as request shocks."""
    from bubblescope.economy.clearing import parse_shock

    return [
        Shock(firm=shock.firm, fraction=shock.fraction)
        for shock in map(parse_shock, _STRESS.shocks)
    ]


class StressRequest(BaseModel):
    """A stress scenario on the fact-base network."""

    model_config = ConfigDict(extra="forbid")

    shocks: list[Shock] = Field(default_factory=lambda: _standard_shocks(), max_length=20)
    alpha: float = Field(_STRESS.alpha, ge=0.0, le=1.0, description="recovery on external assets")
    beta: float = Field(_STRESS.beta, ge=0.0, le=1.0, description="recovery on receipts")


class ScenarioRequest(BaseModel):
    """A scenario Monte Carlo run: a preset, the number of paths, a seed and overrides."""

    model_config = ConfigDict(extra="forbid")

    preset: str = Field(
        "base",
        pattern=r"^[A-Za-z0-9_-]{1,64}$",
        description="preset name (see GET /api/scenario/presets)",
    )
    paths: int = Field(_SCENARIO_QUICK.paths, ge=100, le=20_000, description="Monte Carlo paths")
    seed: int = Field(_SCENARIO.seed, ge=0, le=2**32 - 1, description="random seed (reproducible)")
    overrides: dict[str, float] = Field(
        default_factory=dict,
        max_length=64,
        description='parameter values in the model\'s units, e.g. {"kappa": 0.1}',
    )

    @field_validator("overrides")
    @classmethod
    def _finite(cls, value: dict[str, float]) -> dict[str, float]:
        bad = [k for k, v in value.items() if not math.isfinite(v)]
        if bad:
            raise ValueError(f"override {bad[0]!r} must be a finite number")
        return value


class ErrorBody(BaseModel):
    """The body of every error answer."""

    error: str = Field(..., description="the error's type, e.g. InputError or QueueFullError")
    message: str = Field(..., description="what went wrong and, where known, how to fix it")


class FieldError(BaseModel):
    """One problem of a request that fails the schema."""

    loc: list[str | int] = Field(..., description="where: body, query or path, then the field")
    msg: str = Field(..., description="what is wrong")
    type: str = Field(..., description="pydantic's error type, e.g. greater_than_equal")


class ValidationErrorBody(ErrorBody):
    """The body of a 422: the error, a one-line message and, for a schema failure, each problem.

    A 422 that is not a schema failure (a fit that did not converge) has no ``detail``.
    """

    detail: list[FieldError] | None = Field(
        None, description="each problem of a request that fails the schema"
    )
