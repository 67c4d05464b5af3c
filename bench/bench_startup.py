"""Start-up: what a fresh process pays before it does anything useful, against a process that only runs
`django.setup()` (the floor: settings, apps and models), as alternating pairs of subprocesses.

- `soma check` and `soma --help`: a `soma` command's start (the system checks import the URL configuration;
  the help loads every SOMA command's class);
- the URL configuration: `django.setup()` then `import soma.urls`; for reference, `django.setup()` then Django
  REST framework's serializers alone (a cost SOMA's API cannot avoid);
- a worker's first request: `soma.wsgi.application` (what gunicorn loads) serving GET /healthz, and the
  sign-in page (templates, translations, forms), each as the process's only request.

Each figure also gives the peak resident memory of the process (VmHWM), against the floor's. The children
use the bench's data folder and DATABASE_URL, so the database is already migrated.

Bytecode: an installed SOMA has its modules compiled (pip writes the .pyc files), so the children read and
write bytecode in a cache folder of the bench's own (PYTHONPYCACHEPREFIX; the warm-up pair fills it) even where
PYTHONDONTWRITEBYTECODE is set, as in a checkout that must stay free of __pycache__ folders. Without that, every
child compiles each SOMA module it imports again, and the figures measure the compiler.
SOMA_BENCH_COMPILE=1 measures that case instead. Each row gives the load average at its end (`uptime`): a
figure measured beside other work is pessimistic."""

import os
import shutil
import subprocess
import sys
import tempfile
import time

from bench.harness import emit, paired_figure, sample_pairs

REPEAT = max(3, min(int(os.environ.get("SOMA_BENCH_REPEAT", "100")), 15))
COMPILE = os.environ.get("SOMA_BENCH_COMPILE") == "1"
BYTECODE_CACHE = tempfile.mkdtemp(prefix="soma-bench-pycache-")

SETUP_ONLY = "import django; django.setup()"
URLS = "import django; django.setup(); import soma.urls"
DRF = "import django; django.setup(); import rest_framework.serializers"
# A worker's first request, through the same WSGI application gunicorn serves, without django.test.
FIRST_REQUEST = """
import io, sys
from wsgiref.util import setup_testing_defaults
from soma.wsgi import application
environ = {"PATH_INFO": sys.argv[1], "HTTP_HOST": "localhost", "wsgi.input": io.BytesIO()}
setup_testing_defaults(environ)
status = []
body = b"".join(application(environ, lambda s, headers, exc_info=None: status.append(s)))
assert status[0].startswith("200"), (status, body[:300])
"""
# Runs a module (as `python -m`) or code (as `python -c`) and reports the process's peak resident memory
# (VmHWM) at exit. The kernel's ru_maxrss of a child would include the parent's memory at the fork.
WRAPPER = """
import atexit, runpy, sys
def peak():
    with open("/proc/self/status") as status:
        kb = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
    sys.stderr.write("\\nSOMA_BENCH_PEAK_KB=" + kb + "\\n")
atexit.register(peak)
kind, target = sys.argv[1:3]
sys.argv = [target, *sys.argv[3:]]
if kind == "module":
    runpy.run_module(target, run_name="__main__", alter_sys=True)
else:
    exec(compile(target, "<bench>", "exec"), {"__name__": "__main__"})
"""


def _process(kind: str, target: str, args: list[str], peaks: list[float]):
    """A callable that runs the module or code to its end in a fresh Python and records its peak memory (MB)."""
    argv = [sys.executable, "-c", WRAPPER, kind, target, *args]
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "soma.settings"}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    if not COMPILE:
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = BYTECODE_CACHE

    def run() -> None:
        done = subprocess.run(argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                              stderr=subprocess.PIPE, text=True, check=False)
        assert done.returncode == 0, f"{kind} {target[:60]!r} {args} failed: {done.stderr[-2000:]}"
        kb = [line for line in done.stderr.splitlines() if line.startswith("SOMA_BENCH_PEAK_KB=")][-1]
        peaks.append(int(kb.removeprefix("SOMA_BENCH_PEAK_KB=")) / 1024)

    return run


def _median(values: list[float]) -> float:
    ordered = sorted(values)
    return round(ordered[len(ordered) // 2], 1)


def run(repeat: int = REPEAT) -> None:
    subjects = [
        ("startup_soma_check", "module", "soma.cli", ["check"]),
        ("startup_soma_help", "module", "soma.cli", ["--help"]),
        ("startup_url_configuration", "code", URLS, []),
        # Not SOMA's: what Django REST framework's own import costs (rest_framework.compat imports
        # django.contrib.postgres, hence psycopg, and requests, yaml and pygments when installed). Only an API
        # request pays it: the URL configuration names the API views without importing them, and DRF's app is
        # not installed, so the template engine and `soma check` import no tag library of its (soma/settings.py).
        ("startup_rest_framework_only", "code", DRF, []),
        ("startup_first_request_healthz", "code", FIRST_REQUEST, ["/healthz"]),
        ("startup_first_request_sign_in", "code", FIRST_REQUEST, ["/accounts/login/"]),
    ]
    try:
        for name, kind, target, args in subjects:
            _measure(name, kind, target, args, repeat)
    finally:
        shutil.rmtree(BYTECODE_CACHE, ignore_errors=True)


def _measure(name: str, kind: str, target: str, args: list[str], repeat: int) -> None:
    """One figure: `repeat` alternating pairs of the subject process and of the floor process."""
    peaks: list[float] = []
    floor_peaks: list[float] = []
    start = time.perf_counter()
    pairs = sample_pairs(_process(kind, target, args, peaks), _process("code", SETUP_ONLY, [], floor_peaks),
                         repeat, warmup=1)
    emit(
        paired_figure(
            name,
            pairs,
            "a process that only runs django.setup()",
            peak_rss_mb=_median(peaks),
            baseline_peak_rss_mb=_median(floor_peaks),
            seconds=round(time.perf_counter() - start, 1),
            bytecode="compiled in each process" if COMPILE else "cached, as installed",
            load_average=[round(value, 2) for value in os.getloadavg()],
        )
    )
