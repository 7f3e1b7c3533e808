"""Heavy work off the request threads: a bounded queue of analyses on a small thread pool.

Every analysis the API runs, in a request or as a background job, goes through one
:class:`JobManager`: at most ``workers`` run at once and at most ``max_pending`` are queued or
running; one more is refused at once with :class:`QueueFullError` (HTTP 429) instead of
waiting behind the others. A request takes its place with :meth:`JobManager.admitted` before
its own checks (loading its series, estimating its cost), so a burst of 200 requests does at
most ``max_pending`` of those checks in the server process and refuses the rest at once; when
places were only checked, every request of the burst loaded its series and estimated its cost
on the server's threads before 184 of them were refused, and ``/api/health`` waited seconds.
A job's id answers from its submission until ``ttl`` seconds after it finished (queued and
running jobs are never forgotten). A job is cancelled when its client leaves
(:meth:`JobManager.run`): a queued one never starts, a running one is stopped. Light endpoints
never enter this queue, so they never wait behind it.

With ``isolate`` (what ``bubblescope serve`` runs) each analysis runs in a child process forked
from a clean fork server, so a numba kernel, which holds the GIL for the length of its call,
never stalls the server's event loop, a cancelled analysis is stopped at once (the child is
terminated) and the analysis's memory goes back to the system when the child exits. The
function and its arguments must then be picklable (module-level functions, plain data); the
child reports progress through a pipe and sees the ``BUBBLESCOPE_*`` environment of the
submitting thread. Without ``isolate`` (tests) the analysis runs on the queue's thread and
stops at its next progress report when cancelled.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import datetime as dt
import json
import multiprocessing
import os
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

from bubblescope._typing import ProgressCallback
from bubblescope.errors import BubblescopeError, UnknownSymbolError

__all__ = ["Job", "JobCancelledError", "JobManager", "QueueFullError"]

#: Seconds between two checks of whether a waiting request's client is still connected.
_POLL_S = 0.2
#: Seconds a terminated analysis process is given to exit before it is killed.
_TERMINATE_S = 5.0
#: Modules the fork server imports once, so that each analysis process starts warm.
_PRELOAD = [
    "numpy",
    "pandas",
    "bubblescope.web.analyses",
    "bubblescope.web.generated",
    "bubblescope.web.scenario",
    "bubblescope.analyses.registry",
    "bubblescope.detect.exuberance",
    "bubblescope.detect.lppls",
    "bubblescope.scenario",
]
#: Niceness added to analysis processes: the server's own requests come first for the CPU.
_NICE = 5
_CONTEXT: Any = None
_CONTEXT_LOCK = threading.Lock()


@dataclass
class _Place:
    """A place in a :class:`JobManager`'s queue taken by :meth:`JobManager.admitted`."""

    manager: JobManager
    used: bool = False


#: The place the current request holds (set inside :meth:`JobManager.admitted`).
_PLACE: contextvars.ContextVar[_Place | None] = contextvars.ContextVar("_PLACE", default=None)


def _context() -> Any:
    """The multiprocessing context of analysis processes (a fork server where there is one)."""
    global _CONTEXT
    with _CONTEXT_LOCK:
        if _CONTEXT is None:
            methods = multiprocessing.get_all_start_methods()
            _CONTEXT = multiprocessing.get_context(
                "forkserver" if "forkserver" in methods else "spawn"
            )
            if "forkserver" in methods:
                _CONTEXT.set_forkserver_preload(_PRELOAD)
        return _CONTEXT


def _warm() -> None:
    """Start the fork server now, on a thread, so that the first analysis does not wait for it."""
    ctx = _context()
    if ctx.get_start_method() == "forkserver":
        from multiprocessing import forkserver

        threading.Thread(target=forkserver.ensure_running, daemon=True).start()


def _child(
    conn: Connection,
    env: dict[str, str],
    func: Callable[..., dict[str, Any]],
    args: tuple[Any, ...],
) -> None:
    """Body of an analysis process: run ``func``, send progress and the outcome to ``conn``."""
    os.environ.update(env)
    if hasattr(os, "nice"):
        with contextlib.suppress(OSError):
            os.nice(_NICE)

    def progress(done: int, total: int) -> None:
        conn.send(("progress", int(done), int(total)))

    try:
        result = func(*args, progress=progress)
    except BubblescopeError as exc:
        try:
            conn.send(("error", exc))
        except Exception:  # an error that does not pickle: keep its type's name and text
            conn.send(("error", BubblescopeError(f"{type(exc).__name__}: {exc}")))
    except Exception as exc:  # a bug: only its type crosses; the child's stderr has the rest
        conn.send(("crash", type(exc).__name__))
        raise
    else:
        conn.send(("result", result))
    finally:
        conn.close()


def _as_json(
    func: Callable[..., dict[str, Any]], *args: Any, progress: ProgressCallback
) -> dict[str, Any]:
    """``func``'s result as strict JSON bytes, encoded where it ran (``{"json": bytes}``)."""
    from bubblescope._json import to_jsonable

    result = func(*args, progress=progress)
    return {"json": json.dumps(to_jsonable(result), allow_nan=False).encode()}


class QueueFullError(BubblescopeError):
    """Too many analyses are queued or running; the API answers 429."""


def _full(pending: int) -> QueueFullError:
    return QueueFullError(
        f"{pending} analyses are queued or running, the most this server takes at once",
        hint="try again when one has finished",
    )


class JobCancelledError(BubblescopeError):
    """The job was cancelled (its client left) before it finished."""


@dataclass
class Job:
    """State of one analysis in the queue."""

    id: str
    kind: str
    status: str = "queued"
    done: int = 0
    total: int = 0
    result: dict[str, Any] | None = None
    error: dict[str, str] | None = None
    expires: float | None = None
    exception: BaseException | None = field(default=None, repr=False)
    cancelled: threading.Event = field(default_factory=threading.Event, repr=False)
    future: Future[None] | None = field(default=None, repr=False)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def progress(self, done: int, total: int) -> None:
        """Progress callback handed to the engine; raises once the job is cancelled."""
        if self.cancelled.is_set():
            raise JobCancelledError(f"job {self.id} was cancelled")
        with self.lock:
            self.done, self.total = int(done), int(total)

    @property
    def finished(self) -> bool:
        """Whether the job is done, failed or cancelled."""
        with self.lock:
            return self.status in ("done", "failed", "cancelled")

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready snapshot (``expires``: when the id stops answering, UTC, once finished)."""
        with self.lock:
            expires = (
                None
                if self.expires is None
                else dt.datetime.fromtimestamp(self.expires, dt.UTC).isoformat(timespec="seconds")
            )
            return {
                "id": self.id,
                "kind": self.kind,
                "status": self.status,
                "done": self.done,
                "total": self.total,
                "result": self.result,
                "error": self.error,
                "expires": expires,
            }


class JobManager:
    """A bounded queue of analyses on a thread pool, and the jobs' states by id.

    Parameters
    ----------
    workers : int
        Analyses running at once.
    max_pending : int
        Analyses queued or running at once; one more raises :class:`QueueFullError`.
    ttl : float
        Seconds a finished job's id keeps answering.
    keep : int
        Finished jobs remembered at most (the oldest finished ones are dropped first; queued
        and running jobs are never dropped).
    clock : callable
        Wall-clock seconds (``time.time``; a test passes its own).
    isolate : bool
        Run each analysis in a child process (see the module notes).
    """

    def __init__(
        self,
        workers: int = 2,
        max_pending: int = 16,
        ttl: float = 3600.0,
        keep: int = 100,
        clock: Callable[[], float] = time.time,
        *,
        isolate: bool = False,
    ) -> None:
        if workers < 1 or max_pending < workers:
            raise ValueError("need workers >= 1 and max_pending >= workers")
        self._workers = workers
        self._max_pending = max_pending
        self._ttl = ttl
        self._keep = keep
        self._clock = clock
        self._isolate = isolate
        if isolate:
            _warm()
        self._pool: ThreadPoolExecutor | None = None
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._unfinished: dict[str, Job] = {}
        self._pending = 0
        self._lock = threading.Lock()

    @property
    def pending(self) -> int:
        """Analyses queued or running now."""
        with self._lock:
            return self._pending

    def submit(
        self,
        kind: str,
        func: Callable[..., dict[str, Any]],
        *args: Any,
        listed: bool = True,
    ) -> Job:
        """Queue ``func(*args, progress=callback)``; its dict becomes the job's result.

        ``listed`` jobs answer ``GET /api/jobs/{id}``; a request's own analysis is not listed.

        Raises
        ------
        QueueFullError
            When ``max_pending`` analyses are already queued or running.
        """
        job = Job(id=uuid.uuid4().hex[:12], kind=kind)
        place = _PLACE.get()
        with self._lock:
            self._expire()
            if place is not None and place.manager is self and not place.used:
                place.used = True  # the place admitted() took for this request
            elif self._pending >= self._max_pending:
                raise _full(self._pending)
            else:
                self._pending += 1
            if listed:
                self._jobs[job.id] = job
            self._unfinished[job.id] = job
            if self._pool is None:
                self._pool = ThreadPoolExecutor(
                    max_workers=self._workers, thread_name_prefix="bubblescope-job"
                )
            pool = self._pool
        env = {k: v for k, v in os.environ.items() if k.startswith("BUBBLESCOPE_")}
        job.future = pool.submit(self._run, job, func, args, env)
        job.future.add_done_callback(
            lambda future: self._finish(job, "cancelled") if future.cancelled() else None
        )
        return job

    def _finish(self, job: Job, status: str) -> None:
        now = self._clock()
        with job.lock:
            job.status, job.expires = status, now + self._ttl
        with self._lock:
            self._pending -= 1
            self._unfinished.pop(job.id, None)

    def _isolated(
        self,
        job: Job,
        func: Callable[..., dict[str, Any]],
        args: tuple[Any, ...],
        env: dict[str, str],
    ) -> dict[str, Any]:
        """Run ``func(*args)`` in a child process; relay its progress; stop it if cancelled."""
        ctx = _context()
        receiver, sender = ctx.Pipe(duplex=False)
        proc = ctx.Process(target=_child, args=(sender, env, func, args), daemon=True)
        proc.start()
        sender.close()
        try:
            while True:
                if job.cancelled.is_set():
                    raise JobCancelledError(f"job {job.id} was cancelled")
                if not receiver.poll(_POLL_S):
                    if not proc.is_alive() and not receiver.poll():
                        raise RuntimeError("the analysis process ended without an answer")
                    continue
                try:
                    kind, *rest = receiver.recv()
                except EOFError:
                    raise RuntimeError("the analysis process ended without an answer") from None
                if kind == "progress":
                    job.progress(*rest)
                elif kind == "result":
                    return dict(rest[0])
                elif kind == "error":
                    raise rest[0]
                else:
                    raise RuntimeError(f"the analysis process failed ({rest[0]})")
        finally:
            if proc.is_alive():
                proc.terminate()
            proc.join(_TERMINATE_S)
            if proc.is_alive():  # SIGTERM not acted on in time: SIGKILL cannot be ignored
                proc.kill()
                proc.join()
            receiver.close()

    def _run(
        self,
        job: Job,
        func: Callable[..., dict[str, Any]],
        args: tuple[Any, ...],
        env: dict[str, str],
    ) -> None:
        if job.cancelled.is_set():
            self._finish(job, "cancelled")
            return
        with job.lock:
            job.status = "running"
        try:
            if self._isolate:
                result = self._isolated(job, func, args, env)
            else:
                result = func(*args, progress=job.progress)
        except JobCancelledError as exc:
            job.exception = exc
            self._finish(job, "cancelled")
            return
        except BubblescopeError as exc:
            job.exception = exc
            job.error = {"error": type(exc).__name__, "message": str(exc)}
            self._finish(job, "failed")
            return
        except Exception as exc:  # a bug: keep serving, name it on the job without its text
            job.exception = exc
            job.error = {"error": "InternalError", "message": "the analysis failed unexpectedly"}
            self._finish(job, "failed")
            return
        job.result = result
        self._finish(job, "done")

    def cancel(self, job: Job) -> None:
        """Cancel ``job``: a queued one never starts, a running one is stopped."""
        job.cancelled.set()
        if job.future is not None:
            job.future.cancel()

    @contextlib.contextmanager
    def admitted(self) -> Iterator[None]:
        """Take one place in the queue now, for the analysis this block submits.

        The first :meth:`submit` (or :meth:`run`) inside the block uses the place; it is given
        back if the block ends without one (a 400 or 404 from the request's own checks). Put
        the request's checks inside the block, so that no more than ``max_pending`` requests
        do them at once.

        Raises
        ------
        QueueFullError
            At once, when ``max_pending`` analyses are already queued, running or admitted.
        """
        with self._lock:
            self._expire()
            if self._pending >= self._max_pending:
                raise _full(self._pending)
            self._pending += 1
        place = _Place(self)
        token = _PLACE.set(place)
        try:
            yield
        finally:
            _PLACE.reset(token)
            if not place.used:
                with self._lock:
                    self._pending -= 1

    async def run(
        self,
        kind: str,
        disconnected: Callable[[], Awaitable[bool]],
        func: Callable[..., dict[str, Any]],
        *args: Any,
    ) -> bytes:
        """Run ``func(*args)`` in the queue for a waiting request; cancel it if the client leaves.

        Returns the result as strict JSON, encoded where the analysis ran (in its process when
        isolated), so the server only forwards bytes.

        Raises
        ------
        QueueFullError
            When the queue is full.
        JobCancelledError
            When ``disconnected()`` turned true before the analysis finished.
        Exception
            Whatever the analysis raised.
        """
        job = self.submit(kind, _as_json, func, *args, listed=False)
        assert job.future is not None
        waiting = asyncio.wrap_future(job.future)
        while not waiting.done():
            await asyncio.wait({waiting}, timeout=_POLL_S)
            if not waiting.done() and await disconnected():
                self.cancel(job)
                raise JobCancelledError(f"{kind}: the client left; the analysis was cancelled")
        if job.exception is not None:
            raise job.exception
        if job.result is None:
            raise JobCancelledError(f"{kind}: the analysis was cancelled")
        return bytes(job.result["json"])

    def _expire(self) -> None:
        now = self._clock()
        finished = [j for j in self._jobs.values() if j.finished and j.expires is not None]
        drop = {j.id for j in finished if j.expires is not None and j.expires <= now}
        live = [j for j in finished if j.id not in drop]
        drop |= {j.id for j in live[: max(0, len(live) - self._keep)]}
        for job_id in drop:
            del self._jobs[job_id]

    def get(self, job_id: str) -> Job:
        """The job with ``job_id``.

        Raises
        ------
        UnknownSymbolError
            When no such job was submitted or its result has expired.
        """
        with self._lock:
            self._expire()
            job = self._jobs.get(job_id)
        if job is None:
            raise UnknownSymbolError(
                f"no job {job_id!r} (finished jobs expire after {self._ttl:g} s)",
                hint="submit one with POST /api/jobs/...",
            )
        return job

    def shutdown(self) -> None:
        """Cancel every queued and running job and stop the worker threads.

        A queued job never starts. With ``isolate``, a running job's child process is
        terminated and reaped before this returns, so a stopped server leaves no analysis
        running behind it; without it, a running job stops at its next progress report. A
        later :meth:`submit` starts new worker threads.
        """
        with self._lock:
            pool, self._pool = self._pool, None
            unfinished = list(self._unfinished.values())
        for job in unfinished:
            self.cancel(job)
        if pool is not None:
            pool.shutdown(wait=self._isolate, cancel_futures=True)
