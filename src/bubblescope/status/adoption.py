"""Bubble or adoption? The status page's raw and fundamentals-adjusted verdicts of each AI leader.

For every stock on the watchlist, :func:`adoption_row` puts the raw PSY verdict on the log price
(the same test, sample and critical values as the table's "PSY (log)" column, so the same
numbers) next to PSY on the log P/E and P/S from the SEC filings, on the log price net of the
market and its sector, and net of the AI economy's technology proxies
(:mod:`bubblescope.detect.adjusted`), with one plain sentence on what the difference means, and
how fast the price rose in its current or latest explosive episode: the doubling time of the
closes (:func:`bubblescope.detect.explosive_root.explosive_root` on the price levels over the
episode's weekly closes; estimate and 95% interval).

The episode is the latest one that PSY dates on log prices or on levels (an ongoing one first),
as the table's two PSY columns show; over a levels episode the doubling time is the one
``PSYResult.summary()`` prints for PSY on levels.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from bubblescope.errors import BubblescopeError
from bubblescope.settings import RunSettings

__all__ = ["AdoptionRow", "adoption_row", "doubling_sentence"]

#: Version of the cached row's fields and wording (part of the cache key: bump it on a change).
CACHE_FORMAT = 5
#: The tests on logs shown, in order, with their short headings.
ADJUSTED_HEADS: dict[str, str] = {
    "price": "price (raw)",
    "pe": "P/E",
    "ps": "P/S",
    "factors": "net of market",
    "technology": "net of AI proxies",
}
#: The tests on levels shown, in order, with their short headings.
LEVEL_HEADS: dict[str, str] = {"price_level": "price (raw)", "pe_level": "P/E", "ps_level": "P/S"}


@dataclass(frozen=True)
class AdoptionRow:
    """One AI leader: raw and adjusted verdicts, the sentence, the episode's doubling time.

    Attributes
    ----------
    key : str
        The ticker.
    verdicts : dict of str to dict
        Test key (:data:`ADJUSTED_HEADS`) -> ``verdict``, ``bsadf`` (the last BSADF),
        ``critical_value``, ``label`` and ``reason`` (why not tested).
    sentence : str
        What the difference between the raw and the headline adjusted verdict means.
    doubling : dict or None
        The episode's ``test`` ("log" or "levels"), ``start``, ``end`` (None while ongoing),
        ``confirmed`` (False for an ongoing episode whose last BSADF is back below its critical
        value: "episode not confirmed" in :func:`bubblescope.detect.episode_now`),
        ``n`` (weekly closes), ``rho`` and ``rho_ci`` (None under three closes: too few to
        fit), ``months`` and ``months_ci`` (None for "never": the root or the interval's lower
        bound is at or below one).
    notes : tuple of str
    """

    key: str
    verdicts: dict[str, dict[str, Any]]
    sentence: str
    doubling: dict[str, Any] | None = None
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def doubling_text(self) -> str:
        """The doubling time as a sentence (:func:`doubling_sentence`)."""
        if self.doubling is None:
            return f"{self.key}: no explosive PSY episode in the tested span, so no doubling time."
        return doubling_sentence(self.key, self.doubling)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields."""
        return {
            "key": self.key,
            "verdicts": self.verdicts,
            "sentence": self.sentence,
            "doubling": self.doubling,
            "doubling_text": self.doubling_text,
            "notes": list(self.notes),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AdoptionRow:
        """Inverse of :meth:`to_dict` (for the results cache)."""
        return cls(
            key=data["key"],
            verdicts=data["verdicts"],
            sentence=data["sentence"],
            doubling=data["doubling"],
            notes=tuple(data["notes"]),
        )


def _episode(readings: dict[str, dict[str, Any]]) -> tuple[str, dict[str, Any], bool] | None:
    """The current or latest PSY episode of the log and levels readings.

    Returns (test, episode, confirmed): ``confirmed`` is False when the reading now is
    "episode not confirmed" (the last BSADF is back below its critical value).
    """
    found = []
    for signal, test in (("psy_log", "log"), ("psy_level", "levels")):
        reading = readings.get(signal)
        detail = {} if reading is None else reading.get("detail", {})
        last = detail.get("last_episode")
        if last:
            confirmed = detail.get("now", {}).get("state") != "episode not confirmed"
            found.append((last["end"] is None, str(last["start"]), test, last, confirmed))
    if not found:
        return None
    _, _, test, episode, confirmed = max(found, key=lambda x: (x[0], x[1]))
    return test, episode, confirmed


def doubling_sentence(key: str, doubling: dict[str, Any]) -> str:
    """The doubling time as a sentence: "NVDA's price doubled every N months ... (95% CI ...)"."""
    months, (lo, hi) = doubling["months"], doubling["months_ci"]
    span = f"since {doubling['start']}" if doubling["end"] is None else (
        f"{doubling['start']} to {doubling['end']}"
    )  # fmt: skip
    where = f"PSY episode on {doubling['test']}, {span}"
    now = doubling["end"] is None
    which = ("current" if doubling.get("confirmed", True) else "unconfirmed") if now else "latest"
    if doubling["rho"] is None:
        return (
            f"{key}'s {which} {where} has {doubling['n']} weekly close(s), too few for a "
            "doubling time."
        )
    if months is None:
        return (
            f"{key}'s price {'has not risen' if now else 'did not rise'} over the "
            f"{doubling['n']} weekly closes of its {which} {where} "
            f"(root {doubling['rho']:.4f}): no doubling time."
        )
    upper = "never" if hi is None else f"{hi:.1f} months"
    return (
        f"{key}'s price {'doubles' if now else 'doubled'} every {months:.1f} months in this "
        f"{'' if which != 'unconfirmed' else 'unconfirmed '}episode (95% CI {lo:.1f} months to "
        f"{upper}; {where}, {doubling['n']} weekly closes)."
    )


def _doubling(
    sample: pd.Series, test: str, episode: dict[str, Any], level: float, confirmed: bool
) -> dict[str, Any] | None:
    from bubblescope.detect.explosive_root import explosive_root

    index = pd.DatetimeIndex(sample.index)
    i = int(index.searchsorted(pd.Timestamp(episode["start"])))
    end = episode["end"]
    j = len(index) if end is None else int(index.searchsorted(pd.Timestamp(end)))
    if j - i < 3:
        return {
            "test": test, "start": str(index[min(i, len(index) - 1)].date()),
            "end": episode["end"], "confirmed": confirmed, "n": j - i, "rho": None,
            "rho_ci": None, "months": None, "months_ci": [None, None],
        }  # fmt: skip
    root = explosive_root(sample, index[i], index[j - 1], level=level)

    def months(obs: float) -> float | None:
        value = root.months(obs)
        return value if value is not None and math.isfinite(value) else None

    dlo, dhi = root.doubling_ci
    return {
        "test": test,
        "start": str(index[i].date()),
        "end": episode["end"],
        "confirmed": confirmed,
        "n": j - i,
        "rho": root.rho,
        "rho_ci": list(root.ci),
        "months": months(root.doubling),
        "months_ci": [months(dlo), months(dhi)],
    }


def adoption_row(
    key: str,
    close: pd.Series,
    readings: dict[str, dict[str, Any]],
    settings: RunSettings,
    *,
    fundamentals: pd.DataFrame,
    factors: dict[str, pd.Series],
    proxies: dict[str, pd.Series],
    proxy_note: str,
) -> AdoptionRow:
    """Raw and adjusted PSY verdicts of one stock, the sentence and the doubling time.

    Parameters
    ----------
    key : str
        The ticker.
    close : pandas.Series
        Its daily closes.
    readings : dict
        The row's readings as JSON (:meth:`Reading.to_dict` by signal): the PSY episodes.
    settings : RunSettings
        Sampling and critical values (``settings.psy``), as for the table.
    fundamentals, factors, proxies, proxy_note
        As for :func:`bubblescope.detect.adjusted.adjusted_psy`.

    Returns
    -------
    AdoptionRow
    """
    from bubblescope.detect.adjusted import adjusted_psy, meaning

    ps = settings.psy
    res = adjusted_psy(
        close, key, fundamentals=fundamentals, factors=factors, proxies=proxies,
        proxy_note=proxy_note, sample=ps.sample, sampling=ps.describe(), lag=ps.lag,
        window=ps.window, cv=ps.cv(), level=ps.level, levels=True,
    )  # fmt: skip
    verdicts = {
        t.key: {
            "label": t.label,
            "verdict": t.verdict,
            "bsadf": t.bsadf_now,
            "critical_value": t.critical_value,
            "reason": t.reason if t.result is None else "",
        }
        for t in res.tests
    }
    head = res.headline
    sentence = (
        meaning(res.raw, head, key)
        if head is not None
        else f"{key}: no adjusted test could run on the shipped data."
    )
    in_levels = res.test("price_level")
    if in_levels.verdict == "explosive now" and res.raw.verdict != "explosive now":
        sentence += (
            " On price levels PSY is in alarm: the price grows exponentially, which the log "
            "tests read as a steady rate rather than an accelerating one."
        )
        head_level = res.headline_level
        if head_level is not None:
            sentence += " " + meaning(in_levels, head_level, key)
    found = _episode(readings)
    doubling = None
    if found is not None:
        test, episode, confirmed = found
        try:
            doubling = _doubling(ps.sample(close), test, episode, ps.level, confirmed)
        except BubblescopeError:
            doubling = None
    return AdoptionRow(key, verdicts, sentence, doubling, res.notes)
