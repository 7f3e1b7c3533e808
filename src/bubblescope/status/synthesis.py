"""The plain-language synthesis: signals counted, their reliability, what would change them.

No probability is made up: the synthesis counts which signals are in alarm on which series,
quotes each alarmed signal's own backtest record, and lists the price levels at which readings
would flip (from each reading's ``what_if``).
"""

from __future__ import annotations

from bubblescope.status.readings import Reading
from bubblescope.status.result import SIGNALS, StatusRow, light_counts

__all__ = ["synthesise"]


def _names(rows: list[tuple[StatusRow, Reading]]) -> str:
    return ", ".join(row.key for row, _ in rows)


def synthesise(rows: tuple[StatusRow, ...]) -> tuple[str, ...]:
    """Lines of the synthesis for ``rows``."""
    ok = [r for r in rows if r.error is None]
    if not ok:
        return ("No series could be read; see each row's reason.",)
    counts = light_counts(tuple(ok))
    total = sum(v for k, v in counts.items() if k != "grey")
    out = [
        f"{counts['red']} of {total} readings on {len(ok)} series are in alarm and "
        f"{counts['amber']} warn; {counts['grey']} are not available. This counts signals; "
        "it is not a probability of a crash."
    ]
    for signal, head in SIGNALS.items():
        hits = [(row, r) for row in ok if (r := row.reading(signal)) is not None and r.alarm]
        if not hits:
            continue
        rec = next((row.records.get(signal) for row, _ in hits if row.records.get(signal)), None)
        record = f" Record: {rec.text()}." if rec is not None else " No backtest record."
        out.append(f"{head} in alarm on {len(hits)} series ({_names(hits)}).{record}")
    quiet = [
        head
        for signal, head in SIGNALS.items()
        if all((r := row.reading(signal)) is None or r.light in ("green", "grey") for row in ok)
    ]
    if quiet:
        out.append("Quiet on every series: " + ", ".join(quiet) + ".")
    changes = []
    for row in ok:
        for signal in ("psy_log", "psy_level", "drawdown"):
            r = row.reading(signal)
            if r is None or not r.what_if:
                continue
            market_level = row.kind in ("index", "basket")
            wanted = r.light != "green" if signal != "drawdown" else market_level
            if wanted:
                changes.append(f"{row.key} {SIGNALS[signal]}: {r.what_if}")
    out += [f"Would change: {c}" for c in changes]
    failed = [r for r in rows if r.error is not None]
    if failed:
        out.append("Not computed: " + "; ".join(f"{r.key} ({r.error})" for r in failed))
    return tuple(out)
