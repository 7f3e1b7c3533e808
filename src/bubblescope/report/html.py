"""Render a :class:`~bubblescope.report.build.Report` as one self-contained HTML file.

CSS is inline, plotly.js is inlined from the installed ``plotly`` package and every figure is
embedded as plotly.js JSON, so the file opens offline. Fact ids in sources become links to the
sources table at the end.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

from markupsafe import Markup, escape

from bubblescope.errors import BackendError
from bubblescope.report.build import Report
from bubblescope.report.model import FACT_ID

__all__ = ["plotly_js", "render_html", "write_html"]


def plotly_js() -> str:
    """The plotly.js bundle shipped inside the installed ``plotly`` Python package."""
    try:
        return (resources.files("plotly") / "package_data" / "plotly.min.js").read_text("utf-8")
    except (ModuleNotFoundError, FileNotFoundError) as exc:
        raise BackendError(
            "plotly.js not found: the HTML report needs the plotly package",
            hint="pip install 'bubblescope[report]'",
        ) from exc


def _script_json(obj: Any) -> Markup:
    """JSON safe to place inside a <script> element."""
    text = json.dumps(obj, allow_nan=False, default=str)
    return Markup(text.replace("</", "<\\/"))


def _linkify(text: str, known: set[str]) -> Markup:
    """Escape ``text`` and turn known fact ids into links to the sources table."""
    escaped = str(escape(text))

    def repl(match: Any) -> str:
        fid = match.group(0)
        return f'<a href="#fact-{fid}">{fid}</a>' if fid in known else fid

    return Markup(FACT_ID.sub(repl, escaped))


def render_html(report: Report) -> str:
    """The report as an HTML string.

    Raises
    ------
    BackendError
        When jinja2 or plotly (the ``report`` extra) is not installed.
    """
    try:
        from jinja2 import Environment, PackageLoader, select_autoescape
    except ImportError as exc:
        raise BackendError(
            "the HTML report needs jinja2, which is not installed",
            hint="pip install 'bubblescope[report]'",
        ) from exc

    env = Environment(
        loader=PackageLoader("bubblescope.report", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
    )
    known = {c["id"] for c in report.cited}
    env.filters["linkify"] = lambda text: _linkify(str(text), known)
    figures = {
        f"fig-{s.key}-{i}": _script_json(c.plotly())
        for s in report.sections
        for i, c in enumerate(s.charts)
    }
    template = env.get_template("report.html.j2")
    return template.render(report=report, figures=figures, plotly_js=Markup(plotly_js()))


def write_html(report: Report, path: str | Path) -> Path:
    """Write the HTML report to ``path`` and return it."""
    out = Path(path)
    out.write_text(render_html(report), encoding="utf-8")
    return out
