"""The dashboard: a FastAPI JSON API over every analysis plus a static page.

:func:`create_app` builds the application (fastapi is imported only here, lazily for the rest of
the package). ``bubblescope serve`` runs it with uvicorn on 127.0.0.1.
"""

from __future__ import annotations

from bubblescope.web.app import create_app

__all__ = ["create_app"]
