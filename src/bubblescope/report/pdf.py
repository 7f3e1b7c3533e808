"""Render a report as PDF: matplotlib SVG figures laid out by WeasyPrint (optional extra)."""

from __future__ import annotations

import io
from pathlib import Path

from markupsafe import Markup

from bubblescope.errors import BackendError
from bubblescope.report.build import Report

__all__ = ["render_static_html", "write_pdf"]


def _svg(fig: object) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")  # type: ignore[attr-defined]
    text = buf.getvalue()
    return text[text.find("<svg") :]


def render_static_html(report: Report) -> str:
    """HTML with inline SVG figures (no JavaScript): the input WeasyPrint lays out."""
    from jinja2 import Environment, PackageLoader, select_autoescape

    from bubblescope.report.html import _linkify

    env = Environment(
        loader=PackageLoader("bubblescope.report", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
    )
    known = {c["id"] for c in report.cited}
    env.filters["linkify"] = lambda text: _linkify(str(text), known)
    svgs = {
        f"fig-{s.key}-{i}": Markup(_svg(c.matplotlib()))
        for s in report.sections
        for i, c in enumerate(s.charts)
    }
    return env.get_template("report_print.html.j2").render(report=report, svgs=svgs)


def write_pdf(report: Report, path: str | Path) -> Path:
    """Write the report as PDF to ``path`` (needs the ``weasyprint`` package).

    Raises
    ------
    BackendError
        When WeasyPrint is not installed.
    """
    try:
        from weasyprint import HTML
    except ImportError as exc:
        raise BackendError(
            "PDF output needs WeasyPrint, which is not installed",
            hint="pip install weasyprint (or 'bubblescope[pdf]')",
        ) from exc
    out = Path(path)
    HTML(string=render_static_html(report)).write_pdf(str(out))
    return out
