"""Sphinx configuration of the bubblescope documentation.

Build with ``bash scripts/build_docs.sh`` (HTML with warnings as errors, the doctests and the
internal link check), or ``sphinx-build -W --keep-going -b html docs docs/_build/html``.
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import Any

import bubblescope

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "_ext"))

project = "bubblescope"
author = "bubblescope developers"
copyright = "bubblescope developers"
version = bubblescope.__version__
release = bubblescope.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.doctest",
    "sphinx.ext.mathjax",
    # copies MathJax 3 into _static/mathjax: the formulas typeset with no network
    "sphinx-mathjax-offline",
    "numpydoc",
    "cli_reference",
    "sphinx_gallery.gen_gallery",
    "datacard",
]

templates_path = ["_templates"]
# The local MathJax (sphinx-mathjax-offline), never a CDN: the site must read offline (issue 19).
mathjax_path = "mathjax/tex-chtml.js"
exclude_patterns = ["_build", "**.ipynb_checkpoints", "examples"]
root_doc = "index"
# "--freq" stays two hyphens (option names in the CLI reference and the pages)
smartquotes = False

# API reference: one page per public name, listed from each package's __all__.
autosummary_generate = True
autosummary_ignore_module_all = False
autosummary_imported_members = True
autodoc_typehints = "none"
autodoc_default_options = {"members": False}
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_xref_param_type = False

# Only the ``.. doctest::`` blocks of these pages run under ``-b doctest``; the docstrings'
# own examples run in the test suite (tests/ doctest runner).
doctest_test_doctest_blocks = ""
doctest_global_setup = "import os\nos.environ.setdefault('MPLBACKEND', 'Agg')\n"

# The gallery of worked examples: each script runs in the build on the shipped data.
sphinx_gallery_conf = {
    "examples_dirs": "examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "download_all_examples": True,
    "remove_config_comments": True,
    "within_subsection_order": "FileNameSortKey",
    "image_scrapers": ("matplotlib", "gallery_scraper"),
    "matplotlib_animations": False,
    "show_memory": False,
    "plot_gallery": "True",
}

html_theme = "pydata_sphinx_theme"
html_title = f"bubblescope {release}"
html_static_path: list[str] = []
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
}
html_show_sourcelink = False

os.environ.setdefault("MPLBACKEND", "Agg")


def _absolute_values(
    app: object, what: str, name: str, obj: object, options: object, lines: list[str]
) -> None:
    """Keep the docstrings' ``|x|`` (absolute values, ``a | b`` unions) as text.

    reStructuredText reads ``|x|`` as a substitution; outside a table line a docstring's pipe
    is always mathematics or a type union, so it is escaped.
    """
    for i, line in enumerate(lines):
        stripped = line.strip()
        table_line = stripped.startswith("+") or (stripped[:1] == "|" == stripped[-1:])
        if "|" in line and not table_line:
            parts = _LITERAL.split(line)
            lines[i] = "".join(
                part if part.startswith("`") else _PIPE.sub(r"\\|", part) for part in parts
            )


#: Inline literals and roles (kept as written) and unescaped pipes (escaped).
_LITERAL = re.compile(r"(``.+?``|`[^`]+`)")
_PIPE = re.compile(r"(?<!\\)\|")


def setup(app: Any) -> None:
    """Connect the docstring hook."""
    app.connect("autodoc-process-docstring", _absolute_values)
