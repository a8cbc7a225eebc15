"""Shared set-up for the benchmarks: a throwaway PostgreSQL database, migrated, with Django
configured against it. Benchmarks measure; they assert nothing."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG = os.environ.get("CHEGUAN_BENCH_PG", "postgres://postgres@127.0.0.1:5432")


def _psql(sql: str) -> None:
    subprocess.run(["psql", f"{PG}/postgres", "-v", "ON_ERROR_STOP=1", "-qc", sql], check=True)


@contextlib.contextmanager
def throwaway_database(name: str, *, keep: bool = False) -> Iterator[str]:
    url = f"{PG}/{name}"
    _psql(f'DROP DATABASE IF EXISTS "{name}"')
    _psql(f'CREATE DATABASE "{name}"')
    try:
        yield url
    finally:
        if not keep:
            from django.db import connections

            connections.close_all()
            _psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def setup_django(url: str) -> None:
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cheguan.settings")
    # The in-process part runs the development settings, as it always has (debugging is
    # off unless asked for); a benchmark's gunicorn sets its own production environment.
    os.environ.setdefault("CHEGUAN_DEBUG", "1")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


@contextlib.contextmanager
def timed(label: str, results: list[tuple[str, float]]) -> Iterator[None]:
    start = time.perf_counter()
    yield
    results.append((label, time.perf_counter() - start))


def best_of(fn, repeat: int = 3) -> float:
    """The best of ``repeat`` runs (the first warms the cache)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)
