#!/usr/bin/env python3
"""Smart KOTO developer entry point. Needs only Python 3.11+; makes its own virtual environment.

    python3 dev.py run        start the platform with Koto demo data (embedded default, no servers)
    python3 dev.py test       run the whole test suite (extra arguments go to pytest; SMARTKOTO_TEST_WORKERS=2: two xdist workers)
    python3 dev.py messages   extract and compile translations (needs GNU gettext)
    python3 dev.py bench      run the benchmarks in bench/ (`bench public`: the public-pages table, docs/performance.md)
    python3 dev.py smartkoto ARGS   any `smartkoto` command inside the environment
"""

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = Path(os.environ.get("SMARTKOTO_VENV", ROOT / ".venv"))
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PYTHON = BIN / ("python.exe" if os.name == "nt" else "python")


def ensure_environment(extras):
    if sys.version_info < (3, 11):
        sys.exit("Smart KOTO needs Python 3.11 or newer.")
    if not PYTHON.exists():
        print(f"Creating a virtual environment in {VENV} ...", flush=True)
        venv.EnvBuilder(with_pip=True).create(VENV)
    stamp_file = VENV / ".smartkoto-installed"
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + (ROOT / "constraints.txt").read_bytes() + extras.encode()).hexdigest()
    have = stamp_file.read_text().split() if stamp_file.exists() else []
    if wanted not in have:
        print("Installing Smart KOTO and its dependencies (first run only) ...", flush=True)
        target = f"{ROOT}[{extras}]" if extras else str(ROOT)
        subprocess.run([str(PYTHON), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                        "-c", str(ROOT / "constraints.txt"), "-e", target], check=True)
        stamp_file.write_text(" ".join([*have, wanted]))


def parallel(args):
    """SMARTKOTO_TEST_WORKERS=N (or auto): N pytest-xdist workers, browser and parallel-client tests kept in their
    groups (tests/conftest.py). Unset: one process, as .ci/run runs today (docs/developing.md says why)."""
    workers = os.environ.get("SMARTKOTO_TEST_WORKERS", "").strip()
    if workers in {"", "0", "1"} or any(a.startswith(("-n", "--numprocesses", "--dist")) or a in {"no:xdist", "-pno:xdist"} for a in args):
        return []
    return ["-n", workers, "--dist", "loadgroup"]


def main():
    args = sys.argv[1:] or ["--help"]
    command, rest = args[0], args[1:]
    os.chdir(ROOT)
    if command == "run":
        ensure_environment("")
        os.execv(str(BIN / "smartkoto"), [str(BIN / "smartkoto"), "run", *rest])
    elif command == "test":
        ensure_environment("test")
        os.execv(str(PYTHON), [str(PYTHON), "-m", "pytest", *parallel(rest), *rest])
    elif command == "bench":
        ensure_environment("test")
        os.execv(str(PYTHON), [str(PYTHON), str(ROOT / "bench" / "run.py"), *rest])
    elif command == "messages":
        ensure_environment("test")
        for app in sorted((ROOT / "src" / "smartkoto").iterdir()):
            if (app / "apps.py").exists():
                (app / "locale").mkdir(exist_ok=True)
                subprocess.run([str(BIN / "django-admin"), "makemessages", "-l", "ja", "--no-obsolete", "--no-location",
                                "--ignore", "migrations/*"], cwd=app, check=True)
                subprocess.run([str(BIN / "django-admin"), "compilemessages", "-l", "ja"], cwd=app, check=True)
    elif command == "smartkoto":
        ensure_environment("test")
        os.execv(str(BIN / "smartkoto"), [str(BIN / "smartkoto"), *rest])
    else:
        print(__doc__)
        sys.exit(0 if command in {"--help", "-h", "help"} else 2)


if __name__ == "__main__":
    main()
