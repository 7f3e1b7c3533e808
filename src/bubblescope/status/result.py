"""The status page's result: one row per watched series, the market view, the synthesis.

:class:`StatusResult` follows the result contract: ``summary()`` (the one-screen table),
``to_frame()`` (one row per series and signal), ``to_dict()`` (strict JSON: what ``--json``, the
report JSON and ``GET /api/status`` emit), ``chart_spec()`` (the aligned baskets) and ``plot()``.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from bubblescope.analyses.engines import ENGINES
from bubblescope.charts import Bar, ChartSpec, Panel
from bubblescope.result import ResultMixin
from bubblescope.status.adoption import ADJUSTED_HEADS, LEVEL_HEADS, AdoptionRow
from bubblescope.status.market import Alignment, GaugeView, IndexShare, alignment_chart
from bubblescope.status.readings import LIGHTS, Reading
from bubblescope.status.records import Record

__all__ = ["SIGNALS", "StatusResult", "StatusRow"]

#: Signal key -> column heading, in table order: the status columns of the registry's entries
#: (:attr:`bubblescope.analyses.base.Analysis.status`), in registry order.
SIGNALS: dict[str, str] = {col.name: col.label for entry in ENGINES for col in entry.status}
_MARK = {"red": "●", "amber": "◐", "green": "○", "grey": "·"}


@dataclass(frozen=True)
class StatusRow:
    """One watched series now.

    Attributes
    ----------
    key, label, kind : str
        Symbol or basket key, display name, ``stock``/``index``/``basket``.
    weighting : str
        A basket's weighting ("" otherwise).
    first_date, last_date : str or None
        Span of the prices used (ISO dates).
    vintage : str
        Which data: shipped version and/or store import.
    stale : str or None
        Warning when the prices are more than 14 days old.
    readings : tuple of Reading
    records : dict
        Signal -> the :class:`Record` shown next to its reading.
    error : str or None
        Why the row could not be computed (the other rows are unaffected).
    adoption : AdoptionRow or None
        For a stock: the raw and fundamentals-adjusted PSY verdicts, what the difference means
        and the doubling time of the latest episode (:mod:`bubblescope.status.adoption`).
    """

    key: str
    label: str
    kind: str
    weighting: str = ""
    first_date: str | None = None
    last_date: str | None = None
    vintage: str = ""
    stale: str | None = None
    readings: tuple[Reading, ...] = ()
    records: dict[str, Record] = field(default_factory=dict)
    error: str | None = None
    adoption: AdoptionRow | None = None

    def reading(self, signal: str) -> Reading | None:
        """The reading of ``signal`` (None when absent)."""
        return next((r for r in self.readings if r.signal == signal), None)

    @property
    def alarms(self) -> list[str]:
        """Signals in alarm (red)."""
        return [r.signal for r in self.readings if r.alarm]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields."""
        return {
            "key": self.key,
            "label": self.label,
            "kind": self.kind,
            "weighting": self.weighting,
            "first_date": self.first_date,
            "last_date": self.last_date,
            "vintage": self.vintage,
            "stale": self.stale,
            "error": self.error,
            "readings": {r.signal: r.to_dict() for r in self.readings},
            "records": {k: v.to_dict() for k, v in self.records.items()},
            "alarms": self.alarms,
            "adoption": None if self.adoption is None else self.adoption.to_dict(),
        }


@dataclass(frozen=True)
class StatusResult(ResultMixin):
    """The status page: readings, records, market view and synthesis.

    Attributes
    ----------
    rows : tuple of StatusRow
    gauge : GaugeView or None
    alignment : Alignment or None
    index_share : IndexShare or None
        The AI leaders' share of the S&P 500's value and gain.
    market_notes : tuple of str
        Why a part of the market view failed, or what it leaves out.
    synthesis : tuple of str
        The plain-language synthesis: signals counted, their reliability, what would change.
    settings : dict
        The run settings (``RunSettings.to_dict()``) and their fingerprint.
    today : str
        The date data age is measured against.
    warnings : tuple of str
    """

    rows: tuple[StatusRow, ...]
    gauge: GaugeView | None
    alignment: Alignment | None
    index_share: IndexShare | None
    market_notes: tuple[str, ...]
    synthesis: tuple[str, ...]
    settings: dict[str, Any]
    today: str
    warnings: tuple[str, ...] = ()

    def row(self, key: str) -> StatusRow:
        """The row of ``key`` (KeyError when not watched)."""
        for r in self.rows:
            if r.key == key:
                return r
        raise KeyError(key)

    def adoption_lines(self) -> list[str]:
        """Bubble or adoption? Per AI leader: the verdicts side by side, the sentence, the pace."""
        return adoption_lines([r.to_dict() for r in self.rows])

    def market_lines(self) -> list[str]:
        """The market view as lines: gauge, AI share of the index, basket comparison, notes."""
        parts = [self.gauge, self.index_share, self.alignment]
        return [p.text for p in parts if p is not None] + list(self.market_notes)

    @property
    def data_end(self) -> str | None:
        """The latest price date of any row."""
        dates = [r.last_date for r in self.rows if r.last_date]
        return max(dates) if dates else None

    def summary(self) -> str:
        """The one-screen table: a light, the reading and since when, per series and signal."""
        out = [
            "Is the AI boom a bubble? Status on the shipped data"
            + (f" to {self.data_end}" if self.data_end else "")
            + f" (run '{self.settings.get('name', 'standard')}', measured {self.today})",
            f"lights: {_MARK['red']} alarm  {_MARK['amber']} warning  {_MARK['green']} quiet  "
            f"{_MARK['grey']} n/a",
        ]
        out.extend(f"warning: {w}" for w in self.warnings)
        width = max(len(r.label) for r in self.rows) if self.rows else 10
        out.append("")
        for row in self.rows:
            if row.error:
                out.append(f"{row.label:<{width}}  not computed: {row.error}")
                continue
            cells = []
            for sig, head in SIGNALS.items():
                r = row.reading(sig)
                if r is None:
                    continue
                since = f" since {r.since}" if r.since else ""
                cells.append(f"{_MARK[r.light]} {head}: {_short(r)}{since}")
            out.append(f"{row.label:<{width}}  " + " | ".join(cells[:3]))
            out.append(f"{'':<{width}}  " + " | ".join(cells[3:]))
        adoption = self.adoption_lines()
        if adoption:
            out += ["", "Bubble or adoption? PSY on the price and on the price adjusted"]
            out += [f"  {line}" for line in adoption]
        market = self.market_lines()
        if market:
            out += ["", "Market"]
            out += [f"  {line}" for line in market]
        out += ["", "What the signals say"]
        out += [f"  {s}" for s in self.synthesis]
        return "\n".join(out)

    def to_frame(self) -> pd.DataFrame:
        """One row per (series, signal): value, light, since, text, record."""
        records = []
        for row in self.rows:
            for r in row.readings:
                rec = row.records.get(r.signal)
                records.append(
                    {
                        "series": row.key,
                        "signal": r.signal,
                        "value": r.value,
                        "light": r.light,
                        "since": r.since,
                        "text": r.text,
                        "record": None if rec is None else rec.text(),
                        "last_date": row.last_date,
                    }
                )
        return pd.DataFrame.from_records(records).set_index(["series", "signal"])

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: rows, market view, synthesis, settings."""
        return {
            "today": self.today,
            "data_end": self.data_end,
            "warnings": list(self.warnings),
            "signals": SIGNALS,
            "rows": [r.to_dict() for r in self.rows],
            "gauge": None if self.gauge is None else self.gauge.to_dict(),
            "alignment": None if self.alignment is None else self.alignment.to_dict(),
            "index_share": None if self.index_share is None else self.index_share.to_dict(),
            "market_notes": list(self.market_notes),
            "synthesis": list(self.synthesis),
            "settings": self.settings,
        }

    def readings_table(self) -> pd.DataFrame:
        """Values only, series × signal (for comparisons across surfaces)."""
        return self.to_frame()["value"].unstack("signal")

    def chart_spec(self) -> ChartSpec:
        """The AI basket against the dot-com basket, aligned at the start of their run-ups.

        Without the alignment (a basket could not be built), the signals in alarm per series:
        the count the synthesis starts from, next to how many signals had a reading.
        """
        if self.alignment is not None:
            return alignment_chart(self.alignment, "bubblescope.status on the shipped daily closes")
        rows = [r for r in self.rows if r.error is None]
        labels = [r.label for r in rows]
        return ChartSpec(
            "Signals in alarm per series",
            (
                Panel(
                    "signals in alarm (red) of those with a reading",
                    "signals",
                    bars=(
                        Bar(
                            labels,
                            [sum(x.light != "grey" for x in r.readings) for r in rows],
                            "with a reading",
                            color="#999999",
                        ),
                        Bar(labels, [len(r.alarms) for r in rows], "in alarm", color="#D55E00"),
                    ),
                ),
            ),
            source="bubblescope.status on the shipped daily closes",
        )

    def _repr_html_(self) -> str:
        return status_table_html(self.to_dict())


def _verdict_cells(verdicts: dict[str, Any], heads: dict[str, str]) -> str:
    cells = []
    for key, head in heads.items():
        v = verdicts.get(key)
        if v is None or v["bsadf"] is None:
            cells.append(f"{head} n/a")
        else:
            cells.append(f"{head} {v['verdict']} ({v['bsadf']:.2f} vs {v['critical_value']:.2f})")
    return "; ".join(cells)


def adoption_groups(rows: list[dict[str, Any]]) -> list[list[str]]:
    """The adoption section from rows as JSON (:meth:`StatusRow.to_dict`), one group a stock.

    Each group: the verdicts on logs side by side, then on levels (the last BSADF against its
    critical value), the sentence on what the difference means, and the doubling time of the
    latest episode. The text, the HTML and the CLI print these same lines.
    """
    out = []
    for row in rows:
        a = row.get("adoption")
        if not a:
            continue
        out.append(
            [
                f"{row['key']}, logs: " + _verdict_cells(a["verdicts"], ADJUSTED_HEADS),
                f"{row['key']}, levels: " + _verdict_cells(a["verdicts"], LEVEL_HEADS),
                a["sentence"],
                a["doubling_text"],
            ]
        )
    return out


def adoption_lines(rows: list[dict[str, Any]]) -> list[str]:
    """:func:`adoption_groups` as indented lines (a stock's first line flush left)."""
    return [
        line if i == 0 else f"  {line}"
        for group in adoption_groups(rows)
        for i, line in enumerate(group)
    ]


def _short(r: Reading) -> str:
    """A compact cell: the reading's text without its 'since' clause (shown separately)."""
    return r.text.split("; episode since")[0]


def _header_records(data: dict[str, Any]) -> dict[str, str]:
    """Per signal, the record most rows share (shown once, in the column header)."""
    out: dict[str, str] = {}
    for sig in data["signals"]:
        texts = [row["records"][sig]["text"] for row in data["rows"] if sig in row["records"]]
        if texts:
            out[sig] = max(set(texts), key=texts.count)
    return out


def status_table_html(data: dict[str, Any]) -> str:
    """The status page as HTML from :meth:`StatusResult.to_dict` output.

    Warnings, the table (a light, the reading and since when per cell; each signal's record
    in its column header, and in a cell where that row's record differs), then the market
    view and the synthesis. One function serves the report, the dashboard (``GET
    /api/status`` returns this HTML with the JSON) and notebooks, so all three show the same
    cells.
    """
    signals: dict[str, str] = data["signals"]
    shared = _header_records(data)
    head = "".join(
        f"<th>{html.escape(h)}"
        + (f'<br><small class="record">{html.escape(shared[sig])}</small>' if sig in shared else "")
        + "</th>"
        for sig, h in signals.items()
    )
    body = []
    for row in data["rows"]:
        label = html.escape(row["label"])
        if row["error"]:
            body.append(
                f'<tr><th scope="row">{label}<br><small>{html.escape(row["kind"])}</small></th>'
                f'<td class="light-grey" colspan="{len(signals)}">not computed: '
                f"{html.escape(row['error'])}</td></tr>"
            )
            continue
        cells = []
        for sig in signals:
            r = row["readings"].get(sig)
            if r is None:
                cells.append('<td class="light-grey">–</td>')
                continue
            since = f"<br><small>since {html.escape(r['since'])}</small>" if r["since"] else ""
            rec = row["records"].get(sig)
            record = (
                f'<br><small class="record">{html.escape(rec["text"])}</small>'
                if rec and rec["text"] != shared.get(sig)
                else ""
            )
            title = html.escape(" ".join(x for x in (r["text"], r["note"], r["what_if"]) if x))
            cells.append(
                f'<td class="light-{r["light"]}" title="{title}">'
                f'<span class="dot" aria-label="{r["light"]}"></span>'
                f"{html.escape(r['text'].split('; episode since')[0])}{since}{record}</td>"
            )
        body.append(
            f'<tr><th scope="row">{label}<br><small>{html.escape(row["kind"])}, to '
            f"{row['last_date']}</small></th>" + "".join(cells) + "</tr>"
        )
    warnings = "".join(f'<p class="warning">{html.escape(w)}</p>' for w in data["warnings"])
    market = [
        *(data[k]["text"] for k in ("gauge", "index_share", "alignment") if data.get(k)),
        *data["market_notes"],
    ]
    adoption = "".join(
        "<li>" + "<br>".join(html.escape(x) for x in group) + "</li>"
        for group in adoption_groups(data["rows"])
    )
    lists = (
        "<h3>Bubble or adoption? PSY on the price and on the price adjusted</h3>"
        f'<ul class="adoption">{adoption}</ul>'
        if adoption
        else ""
    ) + "".join(
        f"<h3>{title}</h3><ul>" + "".join(f"<li>{html.escape(x)}</li>" for x in items) + "</ul>"
        for title, items in (("Market", market), ("What the signals say", data["synthesis"]))
        if items
    )
    legend = (
        '<p class="legend"><span class="dot red"></span>alarm <span class="dot amber"></span>'
        'warning <span class="dot green"></span>quiet <span class="dot grey"></span>not '
        "available. Hover a cell for its detail and what would change it.</p>"
    )
    return (
        f'<div class="status">{warnings}{legend}<table class="status-table"><thead><tr>'
        f"<th>series</th>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>{lists}</div>"
    )


def light_counts(rows: tuple[StatusRow, ...]) -> dict[str, int]:
    """How many readings have each light."""
    counts = dict.fromkeys(LIGHTS, 0)
    for row in rows:
        for r in row.readings:
            counts[r.light] += 1
    return counts
