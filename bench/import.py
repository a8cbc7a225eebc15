"""Benchmark: loading a city with ``cheguan import`` on PostgreSQL.

    .venv/bin/python bench/import.py                       # 100,000 and 1,000,000 rows
    .venv/bin/python bench/import.py --sizes 100000 --kinds people
    .venv/bin/python bench/import.py --profile             # cProfile of the smallest size

Creates a throwaway database (CHEGUAN_BENCH_PG, default postgres://postgres@127.0.0.1:5432),
writes CSV files of people (and vehicles owned by them) in the documented format
(docs/import.md), then runs ``cheguan import`` for each size in a child process with the
production settings (debugging off) and prints rows a second and the child's peak memory
(``ru_maxrss`` from ``os.wait4``), and its CPU seconds: on a shared machine rows per CPU
second of the command is the fairer figure (PostgreSQL's own CPU is not in it). "import s"
is the import's own time as the command reports it, without the command's start-up
(Django, the checks, and here compiling every module: PYTHONDONTWRITEBYTECODE=1 leaves no
.pyc behind). Each size loads into an office of its own, created with
``cheguan create-office``; a header-only file gives the command's memory floor. Goal
(issue 12): at least 20,000 rows a second, and peak memory flat from 100,000 to 1,000,000.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _pg import PG, setup_django, throwaway_database

CHEGUAN = Path(sys.executable).parent / "cheguan"
ADDRESSES = ("330203", "330205", "330206", "330211", "330212")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平"
MAKES = (("大众", "朗逸", "K33"), ("丰田", "卡罗拉", "K33"), ("比亚迪", "秦", "K33"))
_WEIGHTS = (8, 7, 6, 5, 4, 3, 2, 10, 0, 9, 8, 7, 6, 5, 4, 3, 2)
_VALUES = {**{str(d): d for d in range(10)}, **dict(zip("ABCDEFGH", range(1, 9), strict=True))}
_VALUES |= dict(zip("JKLMNPR", (1, 2, 3, 4, 5, 7, 9), strict=True))
_VALUES |= dict(zip("STUVWXYZ", range(2, 10), strict=True))


def resident_id(i: int) -> str:
    """A valid, distinct resident ID for every i below about 9 million."""
    birth = dt.date(1950, 1, 1) + dt.timedelta(days=i // 500)
    order = (i % 500) * 2 + 1
    body = f"{ADDRESSES[i % len(ADDRESSES)]}{birth:%Y%m%d}{order:03d}"
    total = sum(int(c) * (2 ** (17 - n) % 11) for n, c in enumerate(body))
    return body + "10X98765432"[total % 11]


def vin(i: int) -> str:
    body = f"LSVAB12C0N{'ABCDEFGH'[i // 1_000_000 % 8]}{i % 1_000_000:06d}"
    check = sum(_VALUES[c] * w for c, w in zip(body, _WEIGHTS, strict=True)) % 11
    return body[:8] + ("X" if check == 10 else str(check)) + body[9:]


def write_people(path: Path, n: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow(["name", "id_number", "phone", "address"])
        for i in range(n):
            name = SURNAMES[i % 20] + GIVEN[i // 20 % 20] + GIVEN[i // 400 % 20]
            phone = f"138{i % 100_000_000:08d}" if i % 3 else ""
            out.writerow([name, resident_id(i), phone, f"宁波市海曙区某路{i % 999 + 1}号"])


def write_vehicles(path: Path, n: int) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        columns = "vin,engine_number,make,model,vehicle_type,seats,manufacture_date"
        out.writerow([*columns.split(","), "owner_id_number", "first_registration_date"])
        for i in range(n):
            make, model, vtype = MAKES[i % len(MAKES)]
            made = dt.date(2010, 1, 1) + dt.timedelta(days=i % 5000)
            registered = (made + dt.timedelta(days=30)).isoformat()
            row = [vin(i), f"E{i:09d}", make, model, vtype, 5, made.isoformat()]
            out.writerow([*row, resident_id(i), registered])


def cheguan(url: str, *args: str, profile: Path | None = None) -> tuple[float, float, int, str]:
    """Run one ``cheguan`` command in a child process: wall seconds, the child's CPU seconds
    (on a shared machine the fairer figure), its peak memory (KiB) and its output."""
    env = {k: v for k, v in os.environ.items() if k != "CHEGUAN_DEBUG"} | {
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "cheguan.settings",
        "CHEGUAN_SECRET_KEY": "bench-" + "x" * 60,
        "CHEGUAN_ALLOWED_HOSTS": "localhost",
    }
    command = [str(CHEGUAN), *args]
    if profile:
        command = [sys.executable, "-m", "cProfile", "-o", str(profile), str(CHEGUAN), *args]
    with tempfile.TemporaryFile() as out:
        start = time.perf_counter()
        child = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
        _pid, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        text = out.read().decode()
    if child.returncode:
        raise SystemExit(f"{' '.join(args)} failed ({child.returncode}):\n{text}")
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, text


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="100000,1000000", help="comma-separated row counts")
    parser.add_argument("--kinds", default="people,vehicles", help="people or people,vehicles")
    parser.add_argument("--profile", action="store_true", help="cProfile the smallest size")
    parser.add_argument("--keep", action="store_true", help="keep the database afterwards")
    args = parser.parse_args()
    sizes = sorted(int(s) for s in args.sizes.split(","))
    kinds = args.kinds.split(",")
    work = Path(tempfile.mkdtemp(prefix="cheguan-bench-import-"))
    with throwaway_database("cheguan_bench_import", keep=args.keep) as url:
        setup_django(url)  # migrates
        version = subprocess.run(
            ["psql", f"{PG}/postgres", "-tAc", "SHOW server_version"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        print(f"PostgreSQL {version}; files in {work}; {os.cpu_count()} CPUs (shared)")
        print(
            f"{'kind':<10}{'rows':>11}{'wall s':>9}{'rows/s':>9}{'CPU s':>8}"
            f"{'rows/CPU s':>12}{'peak MB':>9}{'import s':>10}{'rows/s':>9}"
        )
        offices = [("330200", "浙B"), ("330300", "浙C"), ("330400", "浙F"), ("330500", "浙E")]
        for n, (code, prefix) in zip([0, *sizes], offices, strict=False):
            name = f"车管所{code}"
            cheguan(
                url,
                "create-office",
                "--code",
                code,
                "--name",
                name,
                "--plate-prefix",
                prefix,
                "--region",
                code,
            )
            for kind in kinds:
                path = work / f"{kind}-{n}.csv"
                (write_people if kind == "people" else write_vehicles)(path, n)
                profile = work / f"{kind}-{n}.prof" if args.profile and n == sizes[0] else None
                wall, cpu, peak_kib, output = cheguan(
                    url, "import", kind, str(path), "--office", code, profile=profile
                )
                rate, per_cpu = (f"{n / wall:,.0f}", f"{n / cpu:,.0f}") if n else ("-", "-")
                reported = re.search(r"\((\d+\.\d) s", output)
                own = float(reported.group(1)) if reported else 0.0
                own_rate = f"{n / own:,.0f}" if n and own else "-"
                print(
                    f"{kind:<10}{n:>11,}{wall:>9.1f}{rate:>9}{cpu:>8.1f}{per_cpu:>12}"
                    f"{peak_kib / 1024:>9.0f}{own:>10.1f}{own_rate:>9}",
                    flush=True,
                )
                if profile:
                    import pstats

                    pstats.Stats(str(profile)).sort_stats("cumulative").print_stats(25)
                path.unlink()
    if not args.profile:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
