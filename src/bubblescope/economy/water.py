"""Data-centre water: cooling water per MWh and per site, against local supply in dry regions.

The AI build-out goes where land and power are cheap, and much of that is desert: Phoenix-Mesa,
Nevada, West Texas. :func:`water_use` puts a sourced site of each region next to the water the
region has, and a MWh of data-centre electricity next to the water each cooling type evaporates.

Model
-----
A site's stated power ``P`` (MW, the facility's draw as announced) runs at an average share
``load_factor`` of it for ``hours`` a year. Its IT equipment gets ``P / PUE`` of that power, so

* direct water (litres a year) = ``P / PUE × load_factor × hours × WUE``, with WUE as The Green
  Grid defines it (litres of site water per kWh of IT energy, the definition of the LBNL and
  Microsoft figures). Multiplying by PUE instead would count the cooling overhead twice.
* indirect water (optional) = ``P × load_factor × hours × w``, ``w`` the water power plants
  consume per kWh generated (LBNL's 2023 US total over the data centres' 176 TWh, WAT-27). It
  is evaporated wherever the power is generated, not drawn from the site's own supply, so it is
  off by default.
* per MWh of the facility's electricity: ``1000 × (WUE / PUE + w)`` litres.
* share of supply = a year's direct water / the region's supply a year.

More power or a higher WUE means more water; a closed loop (WUE 0) evaporates none (the tests
check both). Every number is a row of ``water.yaml`` next to this module, in the row format of
:mod:`bubblescope.economy.assumptions`: a fact-base id (``fact:``, whose value is read) or a
value with the reason for it (``why:``).

Examples
--------
>>> res = water_use()
>>> [s.region for s in res.sites]
['Mesa, AZ', 'Arizona', 'Nevada', 'Texas']
>>> round(res.site("Mesa, AZ").direct_l / 1e9, 2)  # billion litres a year
1.51
>>> water_use(cooling="closed_loop").site("Mesa, AZ").direct_l
0.0
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from bubblescope.charts import Bar, ChartSpec, Panel
from bubblescope.errors import DataError, InputError
from bubblescope.result import ResultMixin

__all__ = [
    "COOLING",
    "REGIONS",
    "CoolingType",
    "CoolingWater",
    "Region",
    "SiteWater",
    "WaterInput",
    "WaterResult",
    "load_water_inputs",
    "water_use",
]

#: Cooling types, each with a WUE row ``wue_<name>`` in ``water.yaml``.
CoolingType = Literal["evaporative", "us_average", "microsoft_fleet", "closed_loop"]
#: Cooling types in chart order, with their labels.
COOLING: dict[CoolingType, str] = {
    "evaporative": "evaporative towers",
    "us_average": "US average",
    "microsoft_fleet": "outside air + evaporation",
    "closed_loop": "closed loop",
}

_SCALES = {"mn ": 1e6, "bn ": 1e9}
_BN = _SCALES["bn "]
_KILO = 1e3
#: Volume unit -> the row holding its litres (litres themselves need none).
_LITRES_ROW = {"gal": "litres_per_gallon", "acre-ft": "litres_per_acre_foot"}


@dataclass(frozen=True)
class Region:
    """A region of the build-out: its site, its supply and how the site is cooled.

    Attributes
    ----------
    key : str
        Prefix of the region's rows in ``water.yaml`` (``<key>_site``, ``<key>_supply``, and
        optionally ``<key>_reported`` and ``<key>_load_factor``).
    label : str
    cooling : CoolingType
        How the site is cooled.
    why : str
        Why that cooling type (from the site's sources).
    """

    key: str
    label: str
    cooling: CoolingType
    why: str


#: The dry regions the AI build-out targets.
REGIONS: tuple[Region, ...] = (
    Region(
        "mesa",
        "Mesa, AZ",
        "evaporative",
        "Mesa's approved hyperscale centres cool with evaporative towers (WAT-11: 1.25 million "
        "gallons a day)",
    ),
    Region("arizona", "Arizona", "us_average", "the state's data centres, a mix of cooling"),
    Region(
        "nevada",
        "Nevada",
        "us_average",
        "the Mason Valley complex stated neither its cooling nor its water (WAT-21)",
    ),
    Region(
        "texas",
        "Texas",
        "closed_loop",
        "Stargate Abilene cools its GB200 racks in a closed loop (WAT-25)",
    ),
)


@dataclass(frozen=True)
class WaterInput:
    """One number of the model with where it comes from.

    Attributes
    ----------
    key : str
        Row key in ``water.yaml`` (or the argument that overrode it).
    name : str
    value : float
        In ``unit``.
    unit : str
    kind : {"fact", "assumption", "user"}
    source : str
        The fact id with its grade and source title, the rationale, or "given by the user".
    """

    key: str
    name: str
    value: float
    unit: str
    kind: Literal["fact", "assumption", "user"]
    source: str

    def line(self) -> str:
        """``name = value unit [kind: source]``."""
        unit = "" if self.unit == "1" else f" {self.unit}"
        return f"{self.name} = {self.value:,.10g}{unit} [{self.kind}: {self.source}]"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "key": self.key,
            "name": self.name,
            "value": self.value,
            "unit": self.unit,
            "kind": self.kind,
            "source": self.source,
        }


@dataclass(frozen=True)
class SiteWater:
    """A year of one site's water against its region's supply (litres a year).

    Attributes
    ----------
    region, site : str
        Region label and site name.
    facility_mw : float
        The site's stated power.
    cooling : CoolingType
    wue : float
        Litres per kWh of IT energy.
    direct_l, indirect_l : float
        Water evaporated at the site, and by the power plants (0 unless asked for).
    supply_l : float
        The region's supply a year.
    supply : str
        What that supply is.
    reported_l : float or None
        Water reported for a site of the region (WAT-11, WAT-26), where there is a figure.
    """

    region: str
    site: str
    facility_mw: float
    cooling: CoolingType
    wue: float
    direct_l: float
    indirect_l: float
    supply_l: float
    supply: str
    reported_l: float | None

    @property
    def share(self) -> float:
        """Direct water as a fraction of the region's supply."""
        return self.direct_l / self.supply_l

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (litres a year)."""
        return {
            "region": self.region,
            "site": self.site,
            "facility_mw": self.facility_mw,
            "cooling": self.cooling,
            "wue_l_per_kwh": self.wue,
            "direct_l_per_year": self.direct_l,
            "indirect_l_per_year": self.indirect_l,
            "supply": self.supply,
            "supply_l_per_year": self.supply_l,
            "share_of_supply": self.share,
            "reported_l_per_year": self.reported_l,
        }


@dataclass(frozen=True)
class CoolingWater:
    """Water per MWh of a data centre's electricity for one cooling type (litres)."""

    cooling: CoolingType
    wue: float
    direct_l_per_mwh: float
    indirect_l_per_mwh: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "cooling": self.cooling,
            "label": COOLING[self.cooling],
            "wue_l_per_kwh": self.wue,
            "direct_l_per_mwh": self.direct_l_per_mwh,
            "indirect_l_per_mwh": self.indirect_l_per_mwh,
        }


def _bn(litres: float) -> str:
    """Billions of litres: three significant digits, whole numbers from 100."""
    value = litres / _BN
    return f"{value:,.0f}" if value >= 100 else f"{value:.3g}"


def _positive(value: float) -> float:
    """``value``, or NaN where a log axis cannot draw it (a closed loop's zero)."""
    return value if value > 0 else math.nan


@dataclass(frozen=True)
class WaterResult(ResultMixin):
    """Sites of the dry regions against their supply, and water per MWh by cooling type.

    Attributes
    ----------
    sites : tuple of SiteWater
    cooling : tuple of CoolingWater
    inputs : tuple of WaterInput
        Every number used, with its source.
    indirect : bool
        Whether the power plants' water is counted.
    """

    sites: tuple[SiteWater, ...]
    cooling: tuple[CoolingWater, ...]
    inputs: tuple[WaterInput, ...]
    indirect: bool

    def site(self, region: str) -> SiteWater:
        """The site of ``region`` (its label)."""
        for s in self.sites:
            if s.region == region:
                return s
        raise InputError(f"no region {region!r}", hint=f"one of {[s.region for s in self.sites]}")

    def to_frame(self) -> pd.DataFrame:
        """One row per region: its site, cooling, water a year, supply and share (litres)."""
        return pd.DataFrame([s.to_dict() for s in self.sites]).set_index("region")

    def summary(self) -> str:
        """Each site's water a year against its region's supply, then litres per MWh."""
        lines = ["Data-centre water against local supply (billion litres a year):"]
        for s in self.sites:
            reported = "" if s.reported_l is None else f"; reported there: {_bn(s.reported_l)}"
            indirect = f" + {_bn(s.indirect_l)} at power plants" if self.indirect else ""
            lines.append(
                f"  {s.region}: {s.site}, {s.facility_mw:,.0f} MW, {COOLING[s.cooling]} "
                f"(WUE {s.wue:g} L/kWh): {_bn(s.direct_l)} on site{indirect} = "
                f"{100 * s.share:.2g}% of {s.supply} ({_bn(s.supply_l)}){reported}"
            )
        lines.append("Litres per MWh of a data centre's electricity, by cooling type:")
        lines += [
            f"  {COOLING[c.cooling]}: {c.direct_l_per_mwh:,.0f} on site"
            + (f" + {c.indirect_l_per_mwh:,.0f} at power plants" if self.indirect else "")
            for c in self.cooling
        ]
        lines.append("Inputs and assumptions:")
        lines += [f"  - {i.line()}" for i in self.inputs]
        return "\n".join(lines)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: sites, cooling types and inputs (litres a year, litres per MWh)."""
        return {
            "indirect": self.indirect,
            "sites": [s.to_dict() for s in self.sites],
            "cooling": [c.to_dict() for c in self.cooling],
            "inputs": [i.to_dict() for i in self.inputs],
        }

    def chart_spec(self) -> ChartSpec:
        """A year of each site's water next to its region's supply (log scale), and its share.

        The lower panel is the site's water as a percentage of the supply. The panels share
        the sites as their x axis, so litres per MWh by cooling type are in :meth:`summary`
        and :meth:`to_dict`.
        """
        labels = [f"{s.region}: {s.facility_mw:,.0f} MW, {COOLING[s.cooling]}" for s in self.sites]
        bars = [Bar(labels, [_positive(s.direct_l / _BN) for s in self.sites], "site, on site")]
        if self.indirect:
            bars.append(
                Bar(labels, [s.indirect_l / _BN for s in self.sites], "site, at power plants")
            )
        bars += [
            Bar(
                labels,
                [math.nan if s.reported_l is None else s.reported_l / _BN for s in self.sites],
                "reported for a site there",
            ),
            Bar(labels, [s.supply_l / _BN for s in self.sites], "local supply"),
        ]
        return ChartSpec(
            "Data-centre water against local supply in the dry regions of the AI build-out",
            (
                Panel(
                    "Water a year (log scale)",
                    "billion litres",
                    bars=tuple(bars),
                    logy=True,
                    height=1.4,
                ),
                Panel(
                    "The site's water as a share of the supply",
                    "%",
                    bars=(
                        Bar(
                            labels,
                            [100 * s.share for s in self.sites],
                            "share of supply",
                            color="#CC79A7",
                        ),
                    ),
                ),
            ),
            source="bubblescope.economy.water.water_use; facts WAT-01..28 (inputs: summary())",
        )


@functools.cache
def _shipped_rows() -> dict[str, dict[str, Any]]:
    text = resources.files("bubblescope.economy").joinpath("water.yaml").read_text("utf-8")
    return _read_rows(text, "water.yaml")


def _read_rows(text: str, where: str) -> dict[str, dict[str, Any]]:
    """The rows of a ``water.yaml``-format document, checked for their fields."""
    import yaml

    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise DataError(f"cannot read {where}: {exc}") from exc
    if not isinstance(raw, dict):
        raise DataError(f"{where}: expected a mapping of rows")
    for key, row in raw.items():
        if not isinstance(row, dict) or not {"name", "unit"} <= set(row):
            raise DataError(f"{where}: row {key!r} needs a name and a unit")
        if ("fact" in row) == ("why" in row):
            raise DataError(f"{where}: row {key!r} needs exactly one of fact and why")
        if ("value" in row) != ("why" in row):
            raise DataError(
                f"{where}: row {key!r}: an assumption gives a value, a fact row reads its fact's"
            )
    return raw


def _build(key: str, row: Mapping[str, Any], where: str) -> WaterInput:
    from bubblescope.data.facts import load_factbase

    name, unit = str(row["name"]), str(row["unit"])
    if "fact" in row:
        fb = load_factbase()
        fact = fb.get(str(row["fact"]))
        value = fb.value(fact.id, unit=unit)
        return WaterInput(
            key, name, value, unit, "fact", f"{fact.id} {fact.grade} {fact.source_title}"
        )
    try:
        value = float(row["value"])
    except (TypeError, ValueError):
        value = math.nan
    if not math.isfinite(value):
        raise DataError(f"{where}: row {key!r}: {row['value']!r} is not a finite number")
    return WaterInput(key, name, value, unit, "assumption", str(row["why"]))


def load_water_inputs(path: str | Path | None = None) -> dict[str, WaterInput]:
    """The model's inputs by row key: ``water.yaml``, or a file of the same rows over it.

    Raises
    ------
    DataError
        For a malformed row, a row the shipped file does not have, or a fact in another unit
        than its row's (an unknown fact id is an :class:`~bubblescope.errors.UnknownSymbolError`).
    """
    rows = {key: (row, "water.yaml") for key, row in _shipped_rows().items()}
    if path is not None:
        file = Path(path)
        try:
            text = file.read_text(encoding="utf-8")
        except OSError as exc:
            raise DataError(f"cannot read water assumptions {file}: {exc}") from exc
        extra = _read_rows(text, str(file))
        unknown = sorted(set(extra) - set(rows))
        if unknown:
            raise DataError(f"{file}: unknown row(s) {unknown}", hint=f"rows: {sorted(rows)}")
        rows.update({key: (row, str(file)) for key, row in extra.items()})
    return {key: _build(key, row, where) for key, (row, where) in rows.items()}


def _volume_unit(unit: str) -> tuple[float, str, bool]:
    """``(scale, base unit, per day)`` of a volume unit such as ``"mn gal/day"``."""
    base, per_day = unit.removesuffix("/day"), unit.endswith("/day")
    for prefix, scale in _SCALES.items():
        if base.startswith(prefix):
            return scale, base.removeprefix(prefix), per_day
    return 1.0, base, per_day


def _conversions(item: WaterInput) -> list[str]:
    """The rows that turn ``item`` into litres a year."""
    _, base, per_day = _volume_unit(item.unit)
    return [_LITRES_ROW[base]] * (base in _LITRES_ROW) + ["days_per_year"] * per_day


def _litres(item: WaterInput, inputs: Mapping[str, WaterInput]) -> float:
    """A volume a year, in litres (a ``/day`` rate times the days of a year)."""
    scale, base, per_day = _volume_unit(item.unit)
    if base != "L" and base not in _LITRES_ROW:
        raise DataError(f"water.yaml: row {item.key!r} has no volume unit ({item.unit!r})")
    per_unit = inputs[_LITRES_ROW[base]].value if base in _LITRES_ROW else 1.0
    days = inputs["days_per_year"].value if per_day else 1.0
    return item.value * scale * per_unit * days


def _user(key: str, name: str, value: float, unit: str) -> WaterInput:
    if not math.isfinite(value):
        raise InputError(f"{name} must be a finite number, got {value}")
    return WaterInput(key, name, value, unit, "user", "given by the user")


def water_use(
    *,
    cooling: CoolingType | Literal["site"] = "site",
    pue: float | None = None,
    load_factor: float | None = None,
    indirect: bool = False,
    site_mw: float | None = None,
    assumptions: str | Path | None = None,
) -> WaterResult:
    """Water of a site in each dry region against its supply, and per MWh by cooling type.

    Parameters
    ----------
    cooling : {"site", "evaporative", "us_average", "microsoft_fleet", "closed_loop"}
        Cool every site this way ("site": each as its sources say, :data:`REGIONS`).
    pue : float, optional
        Facility energy / IT energy (default: the US 2023 average, WAT-05).
    load_factor : float, optional
        Average draw as a share of a site's stated power (default 0.7, a labelled assumption;
        a region's own row, Arizona's metered average, wins unless this is given).
    indirect : bool
        Also count the water the power plants evaporate (WAT-27).
    site_mw : float, optional
        Give every site this stated power (MW) instead of its sourced one.
    assumptions : path, optional
        A YAML file of ``water.yaml`` rows that replace the shipped ones.

    Returns
    -------
    WaterResult

    Raises
    ------
    InputError
        For an unknown cooling type, a PUE below 1, a load factor outside (0, 1] or a
        non-positive site power.
    """
    if cooling != "site" and cooling not in COOLING:
        raise InputError(f"unknown cooling {cooling!r}", hint=f"site or one of {list(COOLING)}")
    if site_mw is not None and not (math.isfinite(site_mw) and site_mw > 0):
        raise InputError(f"site power must be positive, got {site_mw} MW")
    inputs = load_water_inputs(assumptions)
    if pue is not None:
        inputs["pue"] = _user("pue", "PUE (facility energy / IT energy)", pue, "x")
    if load_factor is not None:
        inputs["load_factor"] = _user(
            "load_factor", "average draw as a share of a site's stated power", load_factor, "1"
        )
    if site_mw is not None:
        inputs["site_mw"] = _user("site_mw", "every site's stated power", site_mw, "MW")
    p, hours = inputs["pue"].value, inputs["hours_per_year"].value
    if not p >= 1.0:
        raise InputError(f"PUE must be at least 1, got {p}")
    w = inputs["indirect"].value if indirect else 0.0
    used = ["pue", "load_factor", "hours_per_year"] + ["indirect"] * indirect
    sites: list[SiteWater] = []
    for region in REGIONS:
        kind: CoolingType = region.cooling if cooling == "site" else cooling
        load_key = f"{region.key}_load_factor"
        if load_key not in inputs or load_factor is not None:
            load_key = "load_factor"
        lf = inputs[load_key].value
        if not 0.0 < lf <= 1.0:
            raise InputError(f"the load factor must lie in (0, 1], got {lf}")
        site = inputs["site_mw" if site_mw is not None else f"{region.key}_site"]
        supply = inputs[f"{region.key}_supply"]
        reported = inputs.get(f"{region.key}_reported")
        energy_kwh = site.value * _KILO * lf * hours
        wue = inputs[f"wue_{kind}"].value
        sites.append(
            SiteWater(
                region=region.label,
                site=inputs[f"{region.key}_site"].name,
                facility_mw=site.value,
                cooling=kind,
                wue=wue,
                direct_l=energy_kwh / p * wue,
                indirect_l=energy_kwh * w,
                supply_l=_litres(supply, inputs),
                supply=supply.name,
                reported_l=None if reported is None else _litres(reported, inputs),
            )
        )
        used += [f"wue_{kind}", load_key, site.key, supply.key, *_conversions(supply)]
        if reported is not None:
            used += [reported.key, *_conversions(reported)]
    wues = {kind: inputs[f"wue_{kind}"].value for kind in COOLING}
    per_mwh = tuple(CoolingWater(k, v, _KILO * v / p, _KILO * w) for k, v in wues.items())
    used += [f"wue_{kind}" for kind in COOLING]
    shown = tuple(inputs[key] for key in dict.fromkeys(used))
    return WaterResult(tuple(sites), per_mwh, shown, indirect)
