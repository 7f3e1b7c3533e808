"""The dashboard: a FastAPI JSON API over every analysis plus a static page.

:func:`create_app` builds the application; fastapi is imported when it is first used, so the
CLI can read :mod:`bubblescope.web.cost` (the estimates it shares with the server) without it.
``bubblescope serve`` runs it with uvicorn on 127.0.0.1.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bubblescope.web.app import create_app

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    """``create_app``, imported on first use (with fastapi)."""
    if name == "create_app":
        from bubblescope.web.app import create_app

        return create_app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
