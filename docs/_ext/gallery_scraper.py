"""A sphinx-gallery image scraper for bubblescope's result figures.

``result.plot()`` renders a result's ``chart_spec()`` on a :class:`matplotlib.figure.Figure`
made without pyplot, which sphinx-gallery's matplotlib scraper does not see. This scraper saves
every such figure an example holds in a variable, once, after the code block that made it.
"""

from __future__ import annotations

from typing import Any


def result_figures(block: Any, block_vars: dict[str, Any], gallery_conf: dict[str, Any]) -> str:
    """Save the new figures in the example's globals and return their reST."""
    from matplotlib.figure import Figure
    from sphinx_gallery.scrapers import figure_rst

    paths = []
    for value in list(block_vars["example_globals"].values()):
        if isinstance(value, Figure) and not getattr(value, "_bubblescope_scraped", False):
            path = next(block_vars["image_path_iterator"])
            value.savefig(path, dpi=110)
            value._bubblescope_scraped = True  # type: ignore[attr-defined]
            paths.append(path)
    return str(figure_rst(paths, gallery_conf["src_dir"]))


def _get_sg_image_scraper() -> Any:
    return result_figures
