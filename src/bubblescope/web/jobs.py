"""Background jobs with progress for long analyses (a small thread pool, results in memory)."""

from __future__ import annotations

import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from bubblescope._typing import ProgressCallback
from bubblescope.errors import BubblescopeError, UnknownSymbolError

__all__ = ["Job", "JobManager"]


@dataclass
class Job:
    """State of one background analysis."""

    id: str
    kind: str
    status: str = "queued"
    done: int = 0
    total: int = 0
    result: dict[str, Any] | None = None
    error: dict[str, str] | None = None
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def progress(self, done: int, total: int) -> None:
        """Progress callback handed to the engine."""
        with self.lock:
            self.done, self.total = int(done), int(total)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready snapshot."""
        with self.lock:
            return {
                "id": self.id,
                "kind": self.kind,
                "status": self.status,
                "done": self.done,
                "total": self.total,
                "result": self.result,
                "error": self.error,
            }


class JobManager:
    """Run analyses on a thread pool and keep the last ``keep`` jobs.

    Parameters
    ----------
    workers : int
        Threads running jobs at once.
    keep : int
        Finished jobs remembered (oldest dropped first).
    """

    def __init__(self, workers: int = 2, keep: int = 100) -> None:
        self._workers = workers
        self._pool: ThreadPoolExecutor | None = None
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._keep = keep
        self._lock = threading.Lock()

    def submit(self, kind: str, func: Callable[[ProgressCallback], dict[str, Any]]) -> Job:
        """Queue ``func(progress)``; its dict becomes the job's result."""
        job = Job(id=uuid.uuid4().hex[:12], kind=kind)
        with self._lock:
            self._jobs[job.id] = job
            while len(self._jobs) > self._keep:
                self._jobs.popitem(last=False)
            if self._pool is None:
                self._pool = ThreadPoolExecutor(
                    max_workers=self._workers, thread_name_prefix="bubblescope-job"
                )
            pool = self._pool
        pool.submit(self._run, job, func)
        return job

    @staticmethod
    def _run(job: Job, func: Callable[[ProgressCallback], dict[str, Any]]) -> None:
        with job.lock:
            job.status = "running"
        try:
            result = func(job.progress)
        except BubblescopeError as exc:
            with job.lock:
                job.status, job.error = "failed", {"error": type(exc).__name__, "message": str(exc)}
            return
        except Exception as exc:  # a bug: keep serving, report it on the job
            with job.lock:
                job.status, job.error = (
                    "failed",
                    {"error": "InternalError", "message": f"{type(exc).__name__}: {exc}"},
                )
            return
        with job.lock:
            job.status, job.result = "done", result

    def get(self, job_id: str) -> Job:
        """The job with ``job_id``.

        Raises
        ------
        UnknownSymbolError
            When no such job is remembered.
        """
        with self._lock:
            job = self._jobs.get(job_id)
        if job is None:
            raise UnknownSymbolError(
                f"no job {job_id!r}", hint="submit one with POST /api/jobs/..."
            )
        return job

    def shutdown(self) -> None:
        """Stop the worker threads (queued jobs are cancelled; a later submit restarts them)."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)
