"""Run benchmark modules (bench/bench_*.py) and print one JSON line per figure."""

import argparse
import importlib
import pkgutil
import sys

import bench
from bench.harness import setup_django


def main() -> int:
    modules = pkgutil.iter_modules(bench.__path__)
    names = sorted(m.name.removeprefix("bench_") for m in modules if m.name.startswith("bench_"))
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("names", nargs="*", help=f"benchmarks to run (default: all of {', '.join(names)})")
    args = parser.parse_args()
    unknown = sorted(set(args.names) - set(names))
    if unknown:
        parser.error(f"unknown benchmark {', '.join(unknown)}; choose from {', '.join(names)}")
    setup_django()
    for name in args.names or names:
        importlib.import_module(f"bench.bench_{name}").run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
