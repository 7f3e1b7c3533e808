"""``bubblescope serve``: the dashboard and JSON API on a local web server."""

from __future__ import annotations

from typing import Annotated

import typer

from bubblescope.cli._common import console, handle_errors
from bubblescope.errors import BackendError

__all__ = ["register"]


def register(app: typer.Typer) -> None:
    """Add the ``serve`` command to ``app``."""

    @app.command("serve")
    @handle_errors
    def serve_cmd(
        host: Annotated[
            str,
            typer.Option("--host", help="Interface to bind; the default serves this machine only."),
        ] = "127.0.0.1",
        port: Annotated[int, typer.Option("--port", min=1, max=65535, help="TCP port.")] = 8000,
        max_upload_mb: Annotated[
            float,
            typer.Option("--max-upload-mb", min=0.001, max=1024.0, help="Largest CSV upload, MiB."),
        ] = 5.0,
    ) -> None:
        """Serve the dashboard (charts, uploads, network, facts) and its JSON API.

        Open http://127.0.0.1:8000/ in a browser; the API schema is at /docs and
        /openapi.json. Everything, plotly.js included, is served locally.
        """
        try:
            import uvicorn

            from bubblescope.web import create_app
        except ImportError as exc:
            raise BackendError(
                f"the dashboard needs its web extra ({exc.name} is missing)",
                hint="pip install 'bubblescope[web]'",
            ) from exc
        if host not in ("127.0.0.1", "localhost", "::1"):
            console.print(f"[yellow]serving on {host}: reachable from other machines[/yellow]")
        console.print(f"bubblescope dashboard on http://{host}:{port}/  (Ctrl-C to stop)")
        uvicorn.run(
            create_app(max_upload_bytes=int(max_upload_mb * 1024 * 1024)),
            host=host,
            port=port,
            log_level="warning",
        )
