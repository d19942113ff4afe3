"""Run the benchmarks in bench/ (files named bench_*.py), one after another.

    python3 dev.py bench                      every benchmark
    python3 dev.py bench public [OPTIONS]     only bench_public.py (the issue-12 table), with its options
    python3 dev.py bench --quick              every benchmark, shortened

Leading words name benchmarks (bench_public.py: "public" or "bench_public"); everything from the first option
on is passed to each benchmark run."""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

if __name__ == "__main__":
    arguments = sys.argv[1:]
    first_option = next((i for i, arg in enumerate(arguments) if arg.startswith("-")), len(arguments))
    names, passed = arguments[:first_option], arguments[first_option:]
    failed = 0
    for path in sorted(HERE.glob("bench_*.py")):
        if names and path.stem not in names and path.stem.removeprefix("bench_") not in names:
            continue
        print(f"== {path.stem}", flush=True)
        failed += subprocess.run([sys.executable, str(path), *passed], cwd=HERE).returncode != 0
    sys.exit(1 if failed else 0)
