"""Time `manage.py import_subscribers` on a generated CSV file into an empty PostgreSQL database.

    .venv/bin/python bench/import_subscribers.py [--rows 1000000]
        [--database-url postgres://postgres@127.0.0.1:5432/portal_import_1m]

Drops and creates the database, migrates it, loads the line groups (`demo
--subscribers 0`), writes a CSV of about 2.7 rows per subscriber (1.2 lines, 1.5
mailboxes), then times three runs: the import into the empty database, the same
file again (nothing changes), and a --dry-run. The figures go into
docs/benchmarks.md between this benchmark's own markers.
"""

import argparse
import csv
import os
import platform
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlparse

import psycopg

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = ROOT / "docs" / "benchmarks.md"
BEGIN, END = "<!-- bench:import -->", "<!-- /bench:import -->"
HEADER = (
    "account_id", "name", "email", "preferred_language", "record", "line_id", "line_group",
    "ip_assignment", "ip_address", "ip_prefix_length", "mailbox_address", "mailbox_login",
)  # fmt: skip
GROUPS = ("eadsl-1", "eadsl-2", "flets-east", "flets-west", "dialup-1", "fiber-biz-1")
FAMILY = ("佐藤", "鈴木", "高橋", "田中", "伊藤", "渡辺", "山本", "中村", "小林", "加藤")
GIVEN = ("太郎", "花子", "一郎", "健", "翔", "陽菜", "結衣", "大輔", "美咲", "直樹")


def csv_write(*, path: Path, rows: int) -> int:
    """About `rows` rows (whole subscribers); returns how many subscribers."""
    rng = random.Random("import-bench")  # noqa: S311 - reproducible test data
    written = subscribers = 0
    with path.open("w", encoding="utf-8", newline="") as file:
        out = csv.writer(file)
        out.writerow(HEADER)
        while written < rows:
            subscribers += 1
            account = f"b{subscribers:08d}"
            english = rng.random() < 0.1
            name = (
                f"Customer {subscribers}"
                if english
                else f"{rng.choice(FAMILY)} {rng.choice(GIVEN)}"
            )
            who = (account, name, f"{account}@example.com", "en" if english else "ja")
            for k in range(2 if rng.random() < 0.2 else 1):
                group = rng.choice(GROUPS)
                line_id = f"{account}-{k + 1}@{group.rsplit('-', 1)[0]}"
                if group == "fiber-biz-1":
                    address = f"2001:db8:100:{subscribers % 65536:x}:{k}::"
                    out.writerow((*who, "line", line_id, group, "static", address, 64, "", ""))
                else:
                    out.writerow((*who, "line", line_id, group, "dynamic", "", "", "", ""))
                written += 1
            for k in range(2 if rng.random() < 0.5 else 1):
                local = account if k == 0 else f"{account}.{k + 1}"
                out.writerow((*who, "mailbox", "", "", "", "", "", f"{local}@example.ne.jp", local))
                written += 1
    return subscribers


def database_recreate(*, url: str) -> None:
    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    with psycopg.connect(
        host=parsed.hostname,
        port=parsed.port or 5432,
        user=parsed.username,
        dbname="postgres",
        autocommit=True,
    ) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def manage(*args: str, env: dict[str, str]) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"manage.py {' '.join(args)} failed ({done.returncode}):\n{done.stderr}")
    return seconds, done.stdout


def section_write(*, text: str) -> None:
    """Replace this benchmark's section of docs/benchmarks.md, leaving the others alone."""
    BENCHMARKS.parent.mkdir(parents=True, exist_ok=True)
    current = BENCHMARKS.read_text(encoding="utf-8") if BENCHMARKS.exists() else "# Benchmarks\n"
    block = f"{BEGIN}\n{text.rstrip()}\n{END}"
    if BEGIN in current and END in current:
        head, rest = current.split(BEGIN, 1)
        _old, tail = rest.split(END, 1)
        current = f"{head}{block}{tail}"
    else:
        current = f"{current.rstrip()}\n\n{block}\n"
    BENCHMARKS.write_text(current, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument(
        "--database-url", default="postgres://postgres@127.0.0.1:5432/portal_import_1m"
    )
    parser.add_argument("--no-write", action="store_true", help="print, leave the docs alone")
    options = parser.parse_args()

    env = {
        **os.environ,
        "DATABASE_URL": options.database_url,
        "DJANGO_SECRET_KEY": "bench-only-secret-key-not-for-production-7f3a",
        "DJANGO_DEBUG": "0",
        "PORTAL_HTTPS": "0",
        "PORTAL_STATIC_MANIFEST": "0",
        "LOG_LEVEL": "WARNING",
    }
    database_recreate(url=options.database_url)
    manage("migrate", "-v0", env=env)
    manage("demo", "--subscribers", "0", "--no-progress", env=env)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "subscribers.csv"
        subscribers = csv_write(path=path, rows=options.rows)
        size_mb = path.stat().st_size / 1e6
        print(f"{options.rows:,} rows, {subscribers:,} subscribers, {size_mb:.0f} MB")
        load = os.getloadavg()[0]
        first, first_out = manage("import_subscribers", str(path), "--no-progress", env=env)
        print(f"import into an empty database: {first:.1f} s\n{first_out}")
        again, again_out = manage("import_subscribers", str(path), "--no-progress", env=env)
        print(f"the same file again: {again:.1f} s\n{again_out}")
        dry, _dry_out = manage(
            "import_subscribers", str(path), "--no-progress", "--dry-run", env=env
        )
        print(f"--dry-run: {dry:.1f} s")
    peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    stored = next(line for line in first_out.splitlines() if line.startswith("Stored"))

    def rate(seconds: float) -> str:
        return f"{options.rows / seconds:,.0f}"

    text = f"""## Bulk import (`manage.py import_subscribers`)

Measured {datetime.now(UTC):%Y-%m-%d} by `bench/import_subscribers.py` on {platform.node()}
({os.cpu_count()} CPUs, load average {load:.1f} at the start: other work shared the machine),
Python {platform.python_version()}, PostgreSQL on the same machine. The database held only
what `demo --subscribers 0` loads (line groups, staff, ten personas).
File: {options.rows:,} rows ({subscribers:,} subscribers, ~1.2 lines and ~1.5 mailboxes each),
{size_mb:.0f} MB of UTF-8 with Japanese names.

| run | wall clock | rows/s |
|---|---|---|
| import into an empty database (one transaction) | {first:.1f} s | {rate(first)} |
| the same file again (every row checked, nothing changes) | {again:.1f} s | {rate(again)} |
| `--dry-run` (check only) | {dry:.1f} s | {rate(dry)} |

Peak memory of the command: {peak_mb:.0f} MB. The first run's summary: `{stored}`
"""
    if options.no_write:
        print(text)
    else:
        section_write(text=text)
        print(f"written to {BENCHMARKS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
