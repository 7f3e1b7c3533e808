"""The main job: one report presenting every analysis, as self-contained HTML or PDF.

:func:`build_report` runs the section builders of :data:`~bubblescope.report.sections.SECTIONS`
on a :class:`ReportContext` (embedded data by default); :func:`write_html` writes one
self-contained HTML file (plotly.js inlined, no network needed to open it) and
:func:`write_pdf` a PDF through matplotlib SVG and WeasyPrint. Charts come from one
:class:`~bubblescope.charts.ChartSpec` each, so the HTML, the PDF and the dashboard agree.

Examples
--------
>>> from bubblescope.report import build_report, write_html  # doctest: +SKIP
>>> write_html(build_report(), "report.html")  # doctest: +SKIP
"""

from __future__ import annotations

from bubblescope.report.build import Report, build_report
from bubblescope.report.context import ReportContext, ReportSettings
from bubblescope.report.html import render_html, write_html
from bubblescope.report.pdf import write_pdf

__all__ = [
    "Report",
    "ReportContext",
    "ReportSettings",
    "build_report",
    "render_html",
    "write_html",
    "write_pdf",
]
