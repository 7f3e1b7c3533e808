"""Run the section builders in order, reporting progress, and collect the cited sources."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from bubblescope._typing import ProgressCallback
from bubblescope.errors import BubblescopeError
from bubblescope.report.context import ReportContext
from bubblescope.report.model import Section
from bubblescope.report.sections import SECTIONS, Builder

__all__ = ["Report", "build_report"]


@dataclass(frozen=True)
class Report:
    """A built report: its sections, the fact-base rows they cite, and how it was made.

    Attributes
    ----------
    sections : tuple of Section
    cited : tuple of dict
        Fact-base rows cited anywhere in the report (``id, description, display_value,
        source_title, source_ref, grade``), in order of first citation.
    settings : dict
        The :class:`~bubblescope.report.context.ReportSettings` used.
    data_sources : tuple of str
        The price series analysed, with their origin.
    created : str
        UTC timestamp (ISO 8601).
    """

    sections: tuple[Section, ...]
    cited: tuple[dict[str, Any], ...]
    settings: dict[str, Any]
    data_sources: tuple[str, ...]
    created: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))

    def section(self, key: str) -> Section:
        """The section with ``key`` (KeyError when it is not in the report)."""
        for s in self.sections:
            if s.key == key:
                return s
        raise KeyError(key)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: every section's numbers and engine payloads, the cited sources."""
        return {
            "created": self.created,
            "settings": self.settings,
            "data_sources": list(self.data_sources),
            "sections": [
                {
                    "key": s.key,
                    "title": s.title,
                    "numbers": [
                        {"label": n.label, "value": n.value, "source": n.source, "raw": n.raw}
                        for n in s.numbers
                    ],
                    "notes": list(s.notes),
                    "data": s.data,
                }
                for s in self.sections
            ],
            "sources": list(self.cited),
        }


def build_report(
    ctx: ReportContext | None = None,
    *,
    sections: tuple[tuple[str, Builder], ...] = SECTIONS,
    progress: ProgressCallback | None = None,
) -> Report:
    """Build every registered section on ``ctx`` (default: shipped data, the standard run).

    A section whose data cannot be read (a damaged shipped file, an unknown symbol) becomes a
    section that says why; the others are built as usual.

    Parameters
    ----------
    ctx : ReportContext, optional
    sections : tuple of (key, builder)
        The registry to run (default :data:`~bubblescope.report.sections.SECTIONS`).
    progress : callable, optional
        ``progress(done, total)`` after each section.

    Returns
    -------
    Report
    """
    ctx = ctx or ReportContext()
    built: list[Section] = []
    total = len(sections)
    if progress is not None:
        progress(0, total)
    for i, (key, builder) in enumerate(sections, start=1):
        try:
            built.append(builder(ctx))
        except BubblescopeError as exc:
            built.append(
                Section(
                    key=key,
                    title=f"{key}: not built",
                    intro=f"This section could not be built: {exc}",
                    notes=("The other sections do not depend on it.",),
                )
            )
        if progress is not None:
            progress(i, total)
    fb = ctx.factbase
    cited: list[dict[str, Any]] = []
    seen: set[str] = set()
    for section in built:
        for fid in section.fact_ids():
            if fid in fb and fid not in seen:
                seen.add(fid)
                fact = fb.get(fid)
                cited.append(
                    {
                        "id": fact.id,
                        "description": fact.description,
                        "value": fact.display_value,
                        "as_of": fact.as_of,
                        "source_title": fact.source_title,
                        "source_ref": fact.source_ref,
                        "grade": fact.grade,
                    }
                )
    try:
        sources = tuple(f"{name}: {ctx.source_of(name)}" for name in ctx.all_series())
    except BubblescopeError as exc:
        sources = (f"price data not available: {exc}",)
    return Report(tuple(built), tuple(cited), ctx.settings.to_dict(), sources)
