"""CPU seconds used by the web server, PostgreSQL and Redis, read from /proc (Linux).

A rate held on a box depends on what else the box is doing; the CPU a transaction costs does
much less. Taken before and after a step, the difference divided by the transactions gives
"milliseconds of CPU per transaction" for each part, and with the cores the ceiling a box
could reach if nothing else ran: cores × 1000 ÷ (web + PostgreSQL + Redis ms).

The web server's CPU is gunicorn's master and live workers (utime + stime) plus what its
workers that have exited used (the master's cutime + cstime: gunicorn restarts a worker
after ``max_requests``); PostgreSQL's, every ``postgres`` process plus the postmaster's
exited children; Redis's, ``redis-server``.
"""

from __future__ import annotations

import os
from pathlib import Path

_TICK = os.sysconf("SC_CLK_TCK")


def _stat(pid: str) -> tuple[str, int, float, float] | None:
    """(command, parent pid, own CPU seconds, waited-for children's CPU seconds)."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    command = raw[raw.index("(") + 1 : raw.rindex(")")]
    fields = raw[raw.rindex(")") + 2 :].split()
    # fields[0] is the state (field 3 of stat); utime, stime, cutime, cstime are 14-17
    own = (int(fields[11]) + int(fields[12])) / _TICK
    children = (int(fields[13]) + int(fields[14])) / _TICK
    return command, int(fields[1]), own, children


def snapshot(gunicorn_master: int) -> dict[str, float]:
    """CPU seconds so far of the web server, PostgreSQL and Redis."""
    procs = {p: s for p in os.listdir("/proc") if p.isdigit() and (s := _stat(p)) is not None}
    used = {"web": 0.0, "postgresql": 0.0, "redis": 0.0}
    for pid, (command, parent, own, children) in procs.items():
        if int(pid) == gunicorn_master:
            used["web"] += own + children
        elif parent == gunicorn_master:
            used["web"] += own
        elif command == "postgres":
            parent_is_postgres = procs.get(str(parent), ("",))[0] == "postgres"
            used["postgresql"] += own + (0.0 if parent_is_postgres else children)
        elif command.startswith("redis-server"):
            used["redis"] += own
    return used


def per_transaction(before: dict[str, float], after: dict[str, float], n: int) -> dict[str, float]:
    """Milliseconds of CPU per transaction, by part."""
    return {part: 1000 * (after[part] - before[part]) / n for part in before} if n else {}
