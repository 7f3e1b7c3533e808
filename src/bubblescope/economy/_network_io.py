"""Read and validate commitment rows (fact-base deals or a user's CSV/YAML).

Every row becomes a :class:`~bubblescope.economy.network.Commitment` only after these checks;
each failure is a typed error that names the row (1-based data row of the file, and the id).

Row fields (the fact base's ``Deal`` fields): ``id, payer, payee, amount, unit, type, date,
horizon, status, description, source_title, source_ref, grade, gw``. ``unit`` is ``"USD bn"``
(``amount`` in billions of US dollars) or ``"GW"`` (the deal is stated in gigawatts: ``gw``, or
``amount`` when ``gw`` is blank, holds the GW figure).
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bubblescope.data.facts import DEAL_TYPES
from bubblescope.errors import DataError, InputError, UnitError

__all__ = [
    "EDGE_TYPES",
    "NONBINDING_STATUSES",
    "DealRow",
    "read_rows",
    "validate_rows",
]

#: Commitment types the model knows: the fact base's deal vocabulary.
EDGE_TYPES: tuple[str, ...] = DEAL_TYPES

#: Statuses that make a commitment non-binding (excluded unless ``include_nonbinding``).
NONBINDING_STATUSES: frozenset[str] = frozenset(
    {"lapsed", "term_sheet", "loi", "non_binding", "nonbinding", "abandoned", "withdrawn"}
)

_UNITS = ("USD bn", "GW")


@dataclass(frozen=True, slots=True)
class DealRow:
    """One validated row, before schedules and GW prices are applied.

    ``amount_usd_bn`` is the stated dollar amount (None when the deal is stated only in GW);
    ``gw`` the stated capacity (None when not stated). At least one of them is set.
    """

    row: int | None
    id: str
    payer: str
    payee: str
    type: str
    amount_usd_bn: float | None
    gw: float | None
    date: str
    horizon: str
    status: str
    description: str
    source_title: str
    source_ref: str
    grade: str


def read_rows(path: str | Path) -> list[dict[str, Any]]:
    """Read a commitments file (``.csv``, ``.yaml``/``.yml``) into a list of dicts.

    A YAML file holds either a list of mappings or a mapping with a ``commitments`` list.

    Raises
    ------
    DataError
        The file is missing, unreadable, not UTF-8, not valid CSV or YAML, or of another type
        (the message names it), or its YAML is not a list of commitments.
    """
    p = Path(path)
    if not p.is_file():
        raise DataError(f"commitments file not found: {p}")
    suffix = p.suffix.lower()
    if suffix == ".csv":
        try:
            with p.open(newline="", encoding="utf-8") as fh:
                return [dict(r) for r in csv.DictReader(fh)]
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            raise DataError(f"cannot read {p} as a UTF-8 CSV file: {exc}") from None
    if suffix in (".yaml", ".yml"):
        from bubblescope import _yaml

        data = _yaml.load_file(p, DataError)
        if isinstance(data, Mapping):
            data = data.get("commitments")
        if not isinstance(data, list) or not all(isinstance(r, Mapping) for r in data):
            raise DataError(f"{p}: expected a list of commitments (or a 'commitments:' list)")
        return [dict(r) for r in data]
    raise DataError(f"{p}: unsupported file type {suffix!r}", hint="use .csv, .yaml or .yml")


def _text(raw: Mapping[str, Any], key: str) -> str:
    value = raw.get(key)
    if value is None:
        return ""
    if isinstance(value, float) and math.isnan(value):
        return ""
    return str(value).strip()


def _number(raw: Mapping[str, Any], key: str, where: str) -> float | None:
    text = _text(raw, key)
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise InputError(f"{where}: {key} {text!r} is not a number") from None
    if not math.isfinite(value):
        raise InputError(f"{where}: {key} is {text}, not a finite number")
    if value < 0:
        raise InputError(
            f"{where}: negative {key} {value:g}",
            hint="amounts are magnitudes; direction is payer -> payee",
        )
    return value


def validate_rows(rows: Iterable[Mapping[str, Any]], origin: str) -> list[DealRow]:
    """Check rows and convert them to :class:`DealRow`.

    Raises
    ------
    InputError
        Missing id/payer/payee, payer equal to payee, unknown type, negative, non-numeric or
        missing amount, duplicate id or duplicate edge.
    UnitError
        A unit other than ``"USD bn"``/``"GW"``, or a GW amount that disagrees with ``gw``.
    """
    out: list[DealRow] = []
    seen_ids: dict[str, int] = {}
    seen_edges: dict[tuple[str, ...], str] = {}
    for k, raw in enumerate(rows, start=1):
        rid = _text(raw, "id") or _text(raw, "edge_id")
        where = f"{origin} row {k}" + (f" (id {rid})" if rid else "")
        if not rid:
            raise InputError(f"{where}: missing id")
        payer, payee = _text(raw, "payer"), _text(raw, "payee")
        if not payer or not payee:
            raise InputError(f"{where}: missing payer or payee")
        if payer == payee:
            raise InputError(f"{where}: payer and payee are both {payer!r}")
        kind = _text(raw, "type")
        if kind not in EDGE_TYPES:
            raise InputError(
                f"{where}: unknown commitment type {kind!r}", hint=f"one of {', '.join(EDGE_TYPES)}"
            )
        unit = _text(raw, "unit") or "USD bn"
        if unit not in _UNITS:
            raise UnitError(
                f"{where}: unit {unit!r} is not supported", hint="state amounts in 'USD bn' or 'GW'"
            )
        amount = _number(raw, "amount", where)
        gw = _number(raw, "gw", where)
        if unit == "GW":
            if amount is not None and gw is not None and not math.isclose(amount, gw):
                raise UnitError(
                    f"{where}: unit is GW but amount {amount:g} disagrees with gw {gw:g}"
                )
            gw = gw if gw is not None else amount
            amount = None
        if amount is None and gw is None:
            raise InputError(f"{where}: missing amount (neither a USD bn amount nor a GW figure)")
        if rid in seen_ids:
            raise InputError(f"{where}: duplicate id {rid!r} (also row {seen_ids[rid]})")
        seen_ids[rid] = k
        date = _text(raw, "date")
        key = (payer, payee, kind, date, repr(amount), repr(gw))
        if key in seen_edges:
            raise InputError(
                f"{where}: duplicate edge {payer} -> {payee} ({kind}, {date}), "
                f"same as id {seen_edges[key]}"
            )
        seen_edges[key] = rid
        out.append(
            DealRow(
                row=k,
                id=rid,
                payer=payer,
                payee=payee,
                type=kind,
                amount_usd_bn=amount,
                gw=gw,
                date=date,
                horizon=_text(raw, "horizon"),
                status=_text(raw, "status").lower(),
                description=_text(raw, "description"),
                source_title=_text(raw, "source_title"),
                source_ref=_text(raw, "source_ref") or _text(raw, "source_url"),
                grade=_text(raw, "grade"),
            )
        )
    return out
