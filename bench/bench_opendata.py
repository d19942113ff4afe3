"""Open data datastore, in-process against a fresh database (SQLite by default, DATABASE_URL for PostgreSQL):

- import: rows per second of a CSV upload through the platform (checksum, encoding detection, validation,
  type inference, load into the datastore, indexes, the switch to live) as a ratio of a floor loading the same
  file into a plain typed table in the same run: on PostgreSQL its own bulk loader (`COPY … FROM STDIN CSV`), on
  SQLite a plain `executemany` (csv.reader straight into one INSERT in one transaction); sqlite3's `.import`
  is printed too, for reference. Peak RSS of the process after the import is printed (Linux);
- datastore_search latency on the loaded resource (default 1,000,000 rows) as a ratio of a direct SQL
  query that returns the same rows from the same table (opendata_datastorerow).

    .venv/bin/python bench/bench_opendata.py              # 1,000,000 rows (a few minutes)
    .venv/bin/python bench/bench_opendata.py --rows 100000
    .venv/bin/python bench/bench_opendata.py --quick      # 100,000 rows
    .venv/bin/python bench/bench_opendata.py --import-only  # no datastore_search cases
"""

import argparse
import csv
import os
import random
import resource as rlimit
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

TOWNS = ["東陽", "木場", "豊洲", "有明", "亀戸", "大島", "北砂", "南砂", "清澄", "深川", "門前仲町", "枝川"]


def make_csv(path, rows, seed=7):
    rnd = random.Random(seed)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["ID", "名称", "町名", "人数", "緯度", "経度", "更新日"])
        for n in range(1, rows + 1):
            town = TOWNS[n % len(TOWNS)]
            writer.writerow([f"K{n:08d}", f"{town}施設{n}", town, rnd.randint(0, 5000), f"{35.6 + rnd.random() / 10:.6f}",
                             f"{139.75 + rnd.random() / 10:.6f}", f"2025-{1 + n % 12:02d}-{1 + n % 28:02d}"])


def timed(fn, repeat=1):
    samples = []
    result = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples), result


FLOOR_TABLE = ('CREATE TABLE bench_bulk ("ID" text, "名称" text, "町名" text, "人数" integer, "緯度" double precision, '
               '"経度" double precision, "更新日" text)')


def _fresh_floor_table():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_bulk")
        cursor.execute(FLOOR_TABLE)
    if not connection.get_autocommit():
        connection.commit()


def bulk_floor(path):
    """(wall seconds, CPU seconds of this process) for the floor to load the same file into a plain typed table:
    COPY on PostgreSQL, a plain executemany (csv.reader → INSERT, one transaction, the platform's connection
    settings) on SQLite."""
    from django.db import connection

    _fresh_floor_table()
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        raw = connection.connection  # the sqlite3 connection with the platform's PRAGMAs
        started, cpu = time.perf_counter(), cpu_seconds()
        with open(path, encoding="utf-8", newline="") as handle:
            reader = csv.reader(handle)
            next(reader)
            raw.execute("BEGIN")
            raw.executemany("INSERT INTO bench_bulk VALUES (?, ?, ?, ?, ?, ?, ?)", reader)
            raw.execute("COMMIT")
        return time.perf_counter() - started, cpu_seconds() - cpu
    started, cpu = time.perf_counter(), cpu_seconds()
    with connection.cursor() as cursor:
        with cursor.cursor.copy('COPY bench_bulk FROM STDIN WITH (FORMAT csv, HEADER true)') as copy:
            with open(path, "rb") as handle:
                while chunk := handle.read(1 << 20):
                    copy.write(chunk)
    connection.commit() if not connection.get_autocommit() else None
    return time.perf_counter() - started, cpu_seconds() - cpu


def sqlite_import_floor(path):
    """Seconds for sqlite3's own `.import --csv` (printed for reference; the goal is against executemany)."""
    from django.conf import settings
    from django.db import connection

    sqlite3 = shutil.which("sqlite3")
    if not sqlite3:
        return None
    _fresh_floor_table()
    connection.close()
    started = time.perf_counter()
    subprocess.run([sqlite3, str(settings.DATABASES["default"]["NAME"]), ".import --csv --skip 1 " + str(path) + " bench_bulk"], check=True)
    return time.perf_counter() - started


def cpu_seconds():
    """CPU time of this process plus, on PostgreSQL, of its server backend (same machine, read from /proc): the
    figure a busy shared machine disturbs least (wall time there mostly measures the other processes)."""
    from django.db import connection

    total = time.process_time()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime
        except OSError:
            return None
    return total


def peak_rss_mb():
    return rlimit.getrusage(rlimit.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--import-only", action="store_true", help="skip the datastore_search cases")
    args = parser.parse_args()
    rows = 100_000 if args.quick and args.rows == 1_000_000 else args.rows

    data_dir = tempfile.mkdtemp(prefix="smartkoto-bench-opendata-")
    os.environ.update({"SMARTKOTO_DATA_DIR": data_dir, "DJANGO_SETTINGS_MODULE": "smartkoto.conf.settings",
                       "SMARTKOTO_TASKS_BACKEND": "django_tasks.backends.immediate.ImmediateBackend"})
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    settings.OPENDATA_MAX_UPLOAD_BYTES = 1 << 40
    if connection.vendor == "postgresql":
        print("PostgreSQL:", settings.DATABASES["default"]["NAME"], "(its tables are reused; demo datasets are created once)")
    call_command("migrate", verbosity=0)
    from smartkoto.core.actor import Actor
    from smartkoto.core.i18n import both
    from smartkoto.municipality import demo as municipality_demo
    from smartkoto.opendata import datastore, services
    from smartkoto.opendata.models import Dataset, DatastoreRow

    municipality_demo.load()
    Dataset.objects.filter(name="bench-rows").delete()
    csv_path = Path(data_dir) / "bench.csv"
    make_csv(csv_path, rows)
    size_mb = csv_path.stat().st_size / 1e6
    print(f"{rows:,} rows, {size_mb:.1f} MB CSV, database: {connection.vendor}")

    reference = sqlite_import_floor(csv_path) if connection.vendor == "sqlite" else None
    # The floor runs before and after the import and the mean is used: on a shared machine the load drifts.
    floor_before = bulk_floor(csv_path)
    rss_before = peak_rss_mb()
    actor = Actor.system("bench")
    ds = services.save_dataset({"name": "bench-rows", "title": both("ベンチ", "Bench"), "department_code": "dx"}, actor=actor)
    resource = services.save_resource(ds, {"name": both("行", "rows"), "format": "CSV"}, actor=actor)
    content = csv_path.read_bytes()
    cpu = cpu_seconds()
    ours_seconds, version = timed(lambda: services.upload(resource, "bench.csv", content, actor=actor, run_now=True))
    ours_cpu = cpu_seconds() - cpu
    del content
    assert version.rows_loaded == rows, (version.load_state, version.load_error)
    resource.refresh_from_db()
    rss_after = peak_rss_mb()
    floor_after = bulk_floor(csv_path)
    floor_seconds = (floor_before[0] + floor_after[0]) / 2
    floor_name = "COPY" if connection.vendor == "postgresql" else "executemany"
    print(f"import  floor ({floor_name}) {rows / floor_seconds:12,.0f} rows/s   platform {rows / ours_seconds:12,.0f} rows/s   "
          f"ratio platform/floor = {floor_seconds / ours_seconds:.3f}   (floor {floor_before[0]:.1f} s before, {floor_after[0]:.1f} s after)")
    floor_cpu = (floor_before[1] + floor_after[1]) / 2
    print(f"        CPU time (this process{' + its PostgreSQL backend' if connection.vendor == 'postgresql' else ''}): "
          f"floor {floor_cpu:.1f} s, platform {ours_cpu:.1f} s, ratio = {floor_cpu / ours_cpu:.3f}")
    if reference:
        print(f"        (reference: sqlite3 .import {rows / reference:12,.0f} rows/s, ratio {reference / ours_seconds:.3f})")
    print(f"        peak RSS {rss_after:.0f} MB (before the import {rss_before:.0f} MB, the file's bytes held by the caller; "
          f"the CSV is {size_mb:.0f} MB)")
    if args.import_only:
        Dataset.objects.filter(name="bench-rows").delete()
        with connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS bench_bulk")
        shutil.rmtree(data_dir, ignore_errors=True)
        return

    table = DatastoreRow._meta.db_table
    vid = resource.datastore_version_id
    V = int(vid)  # written into the SQL as the datastore does, so SQLite may use the per-version indexes
    if connection.vendor == "postgresql":
        field = lambda name: f"(data -> '{name}')"  # noqa: E731
        eq = lambda name: "data @> %s::jsonb"  # noqa: E731
        eq_param = lambda name, value: __import__("json").dumps({name: value}, ensure_ascii=False)  # noqa: E731
    else:
        field = lambda name: f"json_extract(data, {datastore.sqlite_path_literal(name)})"  # noqa: E731
        eq = lambda name: f"{field(name)} = %s"  # noqa: E731
        eq_param = lambda name, value: value  # noqa: E731

    def direct(sql, params):
        def run():
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchall()
        return run

    cases = [
        ("first page (limit 100, total)", {"limit": 100},
         [(f"SELECT row_number, data FROM {table} WHERE version_id = {V} ORDER BY row_number LIMIT 100", []),
          (f"SELECT count(*) FROM {table} WHERE version_id = {V}", [])]),
        ("deep page (offset = rows/2)", {"limit": 100, "offset": rows // 2, "include_total": False},
         [(f"SELECT row_number, data FROM {table} WHERE version_id = {V} ORDER BY row_number LIMIT 100 OFFSET {rows // 2}", [])]),
        ("filter 町名 + sort 人数 desc + total", {"filters": {"町名": "豊洲"}, "sort": "人数 desc", "limit": 100},
         [(f"SELECT row_number, data FROM {table} WHERE version_id = {V} AND {eq('町名')} ORDER BY {field('人数')} DESC LIMIT 100",
           [eq_param("町名", "豊洲")]),
          (f"SELECT count(*) FROM {table} WHERE version_id = {V} AND {eq('町名')}", [eq_param("町名", "豊洲")])]),
        ("filter by ID (one row)", {"filters": {"ID": f"K{rows // 3:08d}"}, "limit": 100},
         [(f"SELECT row_number, data FROM {table} WHERE version_id = {V} AND {eq('ID')} LIMIT 100", [eq_param("ID", f"K{rows // 3:08d}")]),
          (f"SELECT count(*) FROM {table} WHERE version_id = {V} AND {eq('ID')}", [eq_param("ID", f"K{rows // 3:08d}")])]),
        ("full-text q (one word)", {"q": "有明施設7", "limit": 100},
         [(f"SELECT row_number, data FROM {table} WHERE version_id = {V} AND search_text LIKE %s ORDER BY row_number LIMIT 100",
           ["%有明施設7%"]),
          (f"SELECT count(*) FROM {table} WHERE version_id = {V} AND search_text LIKE %s", ["%有明施設7%"])]),
    ]
    print(f"datastore_search on {rows:,} rows, median of {args.repeat}:")
    for label, params, sqls in cases:
        ours, result = timed(lambda: datastore.search(resource, dict(params)), args.repeat)
        floor, _ = timed(lambda: [direct(sql, p)() for sql, p in sqls], args.repeat)
        print(f"  {label:42s} direct SQL {floor * 1000:8.1f} ms   datastore_search {ours * 1000:8.1f} ms   "
              f"ratio = {ours / floor:.2f}   ({len(result['records'])} records)")
    Dataset.objects.filter(name="bench-rows").delete()
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_bulk")
    shutil.rmtree(data_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
