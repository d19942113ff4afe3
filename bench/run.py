"""Run every benchmark in bench/ (files named bench_*.py), one after another. `--quick` shortens them."""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

if __name__ == "__main__":
    names = [arg for arg in sys.argv[1:] if not arg.startswith("-")]
    flags = [arg for arg in sys.argv[1:] if arg.startswith("-")]
    failed = 0
    for path in sorted(HERE.glob("bench_*.py")):
        if names and path.stem not in names and path.stem.removeprefix("bench_") not in names:
            continue
        print(f"== {path.stem}", flush=True)
        failed += subprocess.run([sys.executable, str(path), *flags], cwd=HERE).returncode != 0
    sys.exit(1 if failed else 0)
