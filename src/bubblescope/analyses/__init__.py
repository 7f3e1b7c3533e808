"""The one registry of analyses, and the entry type the front ends read.

:data:`REGISTRY` lists every analysis bubblescope exposes, each an
:class:`~bubblescope.analyses.base.Analysis`: a name, a settings dataclass with named presets
(``"standard"``, ``"quick"``, ``"publication"``), a run function ``run(data, settings)`` and the
result types it returns. ``bubblescope run NAME``, ``POST /api/analyses/NAME``, the report's
sections, the scan's columns, the backtest's signals and the status page's columns are generated
from it or read it.

Layers: :mod:`~bubblescope.analyses.base` (the entry type) and
:mod:`~bubblescope.analyses.engines` (the entries of the detection, gauge and economy engines)
sit below the scan, the backtest and the status page, which read the engines' hooks;
:mod:`~bubblescope.analyses.registry` adds the composites built on those and sits above them,
under the front ends. Names are re-exported lazily, so ``import bubblescope.analyses`` imports
nothing else.

>>> from bubblescope.analyses import get
>>> entry = get("water")
>>> entry.settings.preset("quick") == entry.settings.preset("standard")
True
"""

from __future__ import annotations

from bubblescope._lazy import lazy_exports

_EXPORTS: dict[str, str] = {
    "Analysis": "base",
    "Column": "base",
    "ScanHook": "base",
    "ScanInput": "base",
    "SettingField": "base",
    "Settings": "base",
    "coerce": "base",
    "setting": "base",
    "setting_fields": "base",
    "ENGINES": "engines",
    "REGISTRY": "registry",
    "get": "registry",
    "names": "registry",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
