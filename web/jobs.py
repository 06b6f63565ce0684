"""Long work in the background with progress a page can poll (verify, big imports).

Jobs run in threads of the server process (the embedded default; a PostgreSQL-backed queue
for several server processes is future work). A job belongs to the person who started it;
nobody else can read its state.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from registry.history import CLIENT
from workflow.errors import KartaError

KEEP_SECONDS = 3600


@dataclass
class Job:
    id: str
    login: str
    title: str
    started: float = field(default_factory=time.time)
    progress: float = 0.0
    stage: str = "ожидает"
    result: Any = None
    error: str = ""
    done: bool = False


class Jobs:
    """The server's running and recent jobs."""

    def __init__(self) -> None:
        self._jobs: dict[str, Job] = {}
        self._lock = threading.Lock()

    def start(self, login: str, title: str,
              work: Callable[[Callable[[str, float], None]], Any]) -> Job:
        job = Job(secrets.token_urlsafe(12), login, title)
        client = CLIENT.get()

        def report(stage: str, share: float) -> None:
            job.stage, job.progress = stage, max(0.0, min(1.0, share))

        def run() -> None:
            CLIENT.set(client)
            try:
                job.result = work(report)
                job.stage, job.progress = "готово", 1.0
            except KartaError as error:
                job.error = str(error)
            except Exception as error:  # an incident: numbered and logged, like a page
                from registry.incidents import report_incident

                job.error = report_incident(error, None, f"задание {title}")
            finally:
                job.done = True

        with self._lock:
            now = time.time()
            for key in [k for k, j in self._jobs.items()
                        if j.done and now - j.started > KEEP_SECONDS]:
                del self._jobs[key]
            self._jobs[job.id] = job
        threading.Thread(target=run, name=f"karta-job-{job.id}", daemon=True).start()
        return job

    def get(self, job_id: str, login: str) -> Job:
        job = self._jobs.get(job_id)
        if job is None or job.login != login:
            from workflow.errors import UnknownReference

            raise UnknownReference(job_id[:20], "нет такого задания")
        return job
