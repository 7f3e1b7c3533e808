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
check both). Every number is a row of ``assumptions/water.yaml`` (the row format of
:mod:`bubblescope.economy.assumptions`): a fact-base id (``fact:``, whose value is read) or a
value with the reason for it (``why:``). Volumes convert with the exact definitions of the
gallon and the acre-foot in :mod:`bubblescope.economy.units`.

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

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from bubblescope.charts import Bar, ChartSpec, Panel
from bubblescope.economy.assumptions import (
    AssumptionSet,
    AssumptionsLike,
    assumptions_for,
    load_assumptions,
)
from bubblescope.economy.inputs import Input, inputs_to_dicts, user_input
from bubblescope.errors import InputError
from bubblescope.result import ResultMixin

__all__ = [
    "COOLING",
    "REGIONS",
    "CoolingType",
    "CoolingWater",
    "Region",
    "SiteWater",
    "WaterResult",
    "water_inputs",
    "water_use",
]

#: Cooling types, each with a WUE row ``wue_<name>`` in ``assumptions/water.yaml``.
CoolingType = Literal["evaporative", "us_average", "microsoft_fleet", "closed_loop"]
#: Cooling types in chart order, with their labels.
COOLING: dict[CoolingType, str] = {
    "evaporative": "evaporative towers",
    "us_average": "US average",
    "microsoft_fleet": "outside air + evaporation",
    "closed_loop": "closed loop",
}

#: Litres in a billion litres, the unit the summary and the chart print.
_BN = 1e9


@dataclass(frozen=True)
class Region:
    """A region of the build-out: its site, its supply and how the site is cooled.

    Attributes
    ----------
    key : str
        Prefix of the region's rows in ``assumptions/water.yaml`` (``<key>_site``,
        ``<key>_supply``, and optionally ``<key>_reported`` and ``<key>_load_factor``).
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
    inputs : tuple of Input
        Every number used, with its source.
    indirect : bool
        Whether the power plants' water is counted.
    """

    sites: tuple[SiteWater, ...]
    cooling: tuple[CoolingWater, ...]
    inputs: tuple[Input, ...]
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
                f"{100 * s.share:.2g}% of {s.supply} ({_bn(s.supply_l)} a year){reported}"
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
            "inputs": inputs_to_dicts(self.inputs),
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


def water_inputs(assumptions: AssumptionsLike | str | Path = None) -> AssumptionSet:
    """The model's inputs: ``assumptions/water.yaml``, a file of its rows over it, or overrides.

    Parameters
    ----------
    assumptions : AssumptionSet, mapping, path or None
        A path reads a YAML file of ``water.yaml`` rows that replace the shipped ones; a set or
        a ``{row: Input or number}`` mapping is used as :func:`assumptions_for` says.

    Raises
    ------
    DataError
        For a malformed row, a row the shipped file does not have, or a unit of another
        dimension than the row's.
    """
    if isinstance(assumptions, str | Path):
        return load_assumptions("water", assumptions)
    return assumptions_for("water", assumptions)


def _litres_a_year(item: Input) -> float:
    """A volume (a year's) or a volume rate (``mn gal/day``) as litres a year."""
    per_time = item.quantity.unit.dims[2] == -1
    return item.m_as("L/yr") if per_time else item.m_as("L")


def water_use(
    *,
    cooling: CoolingType | Literal["site"] = "site",
    pue: float | None = None,
    load_factor: float | None = None,
    indirect: bool = False,
    site_mw: float | None = None,
    assumptions: AssumptionsLike | str | Path = None,
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
    assumptions : AssumptionSet, mapping, path or None
        The inputs (see :func:`water_inputs`): a YAML file of ``water.yaml`` rows, a set, or
        ``{row: Input or number}`` overrides.

    Returns
    -------
    WaterResult

    Raises
    ------
    InputError
        For an unknown cooling type, a PUE below 1, a load factor outside (0, 1] or a
        non-positive or non-finite site power.
    """
    if cooling != "site" and cooling not in COOLING:
        raise InputError(f"unknown cooling {cooling!r}", hint=f"site or one of {list(COOLING)}")
    if site_mw is not None and not (math.isfinite(site_mw) and site_mw > 0):
        raise InputError(f"site power must be positive, got {site_mw} MW")
    a = water_inputs(assumptions)
    given = {"pue": pue, "load_factor": load_factor}
    a = a.override({key: value for key, value in given.items() if value is not None})
    override_site = (
        None if site_mw is None else user_input("every site's stated power", site_mw, "MW")
    )
    p, hours = a.input("pue").m_as("1"), a.input("hours_per_year")
    if not p >= 1.0:
        raise InputError(f"PUE must be at least 1, got {p}")
    w = a.input("indirect").m_as("L/kWh") if indirect else 0.0
    w_per_mwh = a.input("indirect").m_as("L/MWh") if indirect else 0.0
    used: list[Input] = [a.input("pue"), a.input("load_factor"), hours]
    used += [a.input("indirect")] * indirect
    sites: list[SiteWater] = []
    for region in REGIONS:
        kind: CoolingType = region.cooling if cooling == "site" else cooling
        load_key = f"{region.key}_load_factor"
        if load_key not in a or load_factor is not None:
            load_key = "load_factor"
        load = a.input(load_key)
        lf = load.m_as("1")
        if not 0.0 < lf <= 1.0:
            raise InputError(f"the load factor must lie in (0, 1], got {lf}")
        site = override_site or a.input(f"{region.key}_site")
        supply = a.input(f"{region.key}_supply")
        reported = a.input(f"{region.key}_reported") if f"{region.key}_reported" in a else None
        energy_kwh = (site.quantity * hours.quantity).m_as("kWh") * lf
        wue = a.input(f"wue_{kind}")
        sites.append(
            SiteWater(
                region=region.label,
                site=a.input(f"{region.key}_site").name,
                facility_mw=site.m_as("MW"),
                cooling=kind,
                wue=wue.m_as("L/kWh"),
                direct_l=energy_kwh / p * wue.m_as("L/kWh"),
                indirect_l=energy_kwh * w,
                supply_l=_litres_a_year(supply),
                supply=supply.name,
                reported_l=None if reported is None else _litres_a_year(reported),
            )
        )
        used += [wue, load, site, supply, *([reported] if reported is not None else [])]
    wues = {kind: a.input(f"wue_{kind}") for kind in COOLING}
    per_mwh = tuple(
        CoolingWater(k, v.m_as("L/kWh"), v.m_as("L/MWh") / p, w_per_mwh) for k, v in wues.items()
    )
    used += list(wues.values())
    return WaterResult(tuple(sites), per_mwh, tuple(dict.fromkeys(used)), indirect)
