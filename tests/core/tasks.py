"""Background tasks that tests run in a real `soma worker` (importable by path, as django-tasks requires)."""

import time

from django_tasks import task

from soma.core import jobs


@task()
def slow(job_id: int, seconds: float) -> None:
    """Work that takes `seconds`, reporting progress as it goes: long enough to kill its worker mid-way."""

    def work():
        started = time.monotonic()
        while (spent := time.monotonic() - started) < seconds:
            jobs.progress(job_id, int(100 * spent / seconds), "Demoland records")
            time.sleep(0.5)
        return "/done/"

    jobs.run(job_id, work)
