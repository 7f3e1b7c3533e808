"""``bubblescope serve``: the dashboard and JSON API on a local web server.

On the loopback (the default) the server answers this machine only. Bound to any other
interface it requires a token on every API request (``--token``, ``$BUBBLESCOPE_TOKEN``, or one
generated and printed at start) and answers only the host names it was told (``--allow-host``;
the bound address and, for 0.0.0.0, this machine's names). Analyses are estimated before they
run and refused over ``--budget-s``; at most ``--max-pending`` wait or run at once.
``--openbb`` lets OpenBB Workspace's web app read the ``/openbb`` widgets (CORS for its origin
only; see :mod:`bubblescope.web.openbb`).
"""

from __future__ import annotations

import secrets
import socket
from typing import Annotated

import typer

from bubblescope.cli._common import console, handle_errors
from bubblescope.errors import BackendError

__all__ = ["allowed_hosts", "register"]

_WILDCARDS = ("0.0.0.0", "::", "")


def allowed_hosts(host: str, extra: list[str]) -> tuple[str, ...]:
    """Host names a server bound to ``host`` answers to: loopback, ``host``, ``extra``.

    A wildcard bind (0.0.0.0, ::) adds this machine's host name and fully qualified name.
    """
    from bubblescope.web.guard import LOOPBACK_HOSTS

    names = [*LOOPBACK_HOSTS, *extra]
    if host in _WILDCARDS:
        names += [socket.gethostname(), socket.getfqdn()]
    else:
        names.append(host)
    return tuple(dict.fromkeys(n.lower() for n in names if n))


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
        token: Annotated[
            str | None,
            typer.Option(
                "--token",
                envvar="BUBBLESCOPE_TOKEN",
                help="Token every API request must carry (required off the loopback: one is "
                "generated when none is given).",
            ),
        ] = None,
        allow_host: Annotated[
            list[str] | None,
            typer.Option("--allow-host", help="Another host name clients use to reach the server."),
        ] = None,
        budget_s: Annotated[
            float,
            typer.Option(
                "--budget-s",
                min=0.1,
                max=86_400.0,
                help="Largest estimated cost of one analysis, seconds.",
            ),
        ] = 120.0,
        max_pending: Annotated[
            int,
            typer.Option(
                "--max-pending", min=1, max=1000, help="Analyses queued or running at once."
            ),
        ] = 16,
        workers: Annotated[
            int, typer.Option("--workers", min=1, max=64, help="Analyses running at once.")
        ] = 2,
        header_timeout: Annotated[
            float,
            typer.Option(
                "--header-timeout", min=0.1, max=600.0, help="Seconds to send request headers."
            ),
        ] = 10.0,
        keep_alive: Annotated[
            float,
            typer.Option(
                "--keep-alive", min=1.0, max=600.0, help="Seconds an idle connection is kept."
            ),
        ] = 5.0,
        openbb: Annotated[
            bool,
            typer.Option(
                "--openbb",
                help="Let OpenBB Workspace (https://pro.openbb.co) read the /openbb widgets "
                "from the browser (CORS for that origin only; the token still applies).",
            ),
        ] = False,
    ) -> None:
        """Serve the dashboard (charts, uploads, network, facts) and its JSON API.

        Open http://127.0.0.1:8000/ in a browser; the API schema is at /openapi.json.
        Everything, plotly.js included, is served locally.
        """
        try:
            from bubblescope.web import create_app, server
            from bubblescope.web.guard import LOOPBACK_HOSTS
        except ImportError as exc:
            raise BackendError(
                f"the dashboard needs its web extra ({exc.name} is missing)",
                hint="pip install 'bubblescope[web]'",
            ) from exc
        if max_pending < workers:
            max_pending = workers
        loopback = host.lower() in LOOPBACK_HOSTS
        if not loopback and not token:
            token = secrets.token_urlsafe(24)
        hosts = allowed_hosts(host, allow_host or [])
        shown = f"[{host}]" if ":" in host else host
        url = f"http://{shown}:{port}/"
        if not loopback:
            console.print(
                f"serving on {host}: reachable from other machines; every API request needs "
                f"the token. Answering host names: {', '.join(hosts)}"
            )
        if token:
            console.print(
                f"bubblescope dashboard on {url}?token={token}  (Ctrl-C to stop)", soft_wrap=True
            )
            console.print(f"API clients send: Authorization: Bearer {token}", soft_wrap=True)
        else:
            console.print(f"bubblescope dashboard on {url}  (Ctrl-C to stop)")
        app = create_app(
            max_upload_bytes=int(max_upload_mb * 1024 * 1024),
            workers=workers,
            max_pending=max_pending,
            budget_s=budget_s,
            token=token,
            allowed_hosts=hosts,
        )
        if openbb:
            from bubblescope.web.openbb import OPENBB_ORIGIN, PREFIX, allow_openbb

            allow_openbb(app)
            console.print(
                f"OpenBB Workspace backend: {url.rstrip('/')}{PREFIX} (browser origin "
                f"{OPENBB_ORIGIN} allowed)",
                soft_wrap=True,
            )
        server.serve(app, host, port, header_timeout=header_timeout, keep_alive=keep_alive)
