"""py-spy on the running web workers (issue 12: "measure first, on a running worker").

``record`` samples every gunicorn worker (``--subprocesses``) without pausing them
(``--nonblocking``), only while they run on a CPU (py-spy leaves out threads blocked in a
system call: waiting for a request, for PostgreSQL's answer); ``summary`` reads the collapsed
stacks and prints where the workers' CPU went — psycopg, Redis, compiling SQL in the ORM,
querysets and model instances, the audit chain, rendering answers, Django, gunicorn, our own
code — and the functions that use the most of it themselves. On a box whose cores are all
busy the shares are still right; the seconds are not. py-spy is a dev dependency.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

# Each sample goes to the first frame, from the leaf up, that belongs to one of these (a frame
# of the standard library, e.g. a socket's send, counts for the package that called it).
_WAITING = ("wait", "select", "poll", "recv", "accept", "_fill_buffer", "readline", "sleep")
PACKAGES = [
    ("psycopg/", "psycopg (sending, adapting, parsing)"),
    ("redis/", "Redis (cache, sessions, rate limits)"),
    ("django/db/models/sql/", "SQL compilation (Django ORM)"),
    ("django/db/", "ORM: querysets, model instances, connections"),
    ("cheguan/audit/", "audit chain (hashing, JSON)"),
    ("ninja/", "answers (ninja, pydantic, JSON, templates)"),
    ("pydantic", "answers (ninja, pydantic, JSON, templates)"),
    ("django/template", "answers (ninja, pydantic, JSON, templates)"),
    ("gunicorn/", "gunicorn (reading requests, writing answers)"),
    ("django/", "Django (middleware, sessions, auth, responses)"),
    ("cheguan/", "Cheguan's own code"),
]
IDLE = "idle: waiting for a request"


def bucket(frames: list[str]) -> str:
    """Where one sample's time went; ``frames`` leaf first."""
    waiting = any(w in frames[0].split(" (")[0].lower() for w in _WAITING)
    for frame in frames:
        for package, label in PACKAGES:
            if package in frame:
                if waiting and package == "psycopg/":
                    return "psycopg: waiting for an answer (polling, on a CPU)"
                if waiting and package == "gunicorn/":
                    return IDLE
                return label
    return "other (standard library, other packages)"


def binary() -> str | None:
    found = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    return found if Path(found).exists() else None


def record(pid: int, seconds: float, out: str) -> subprocess.Popen:
    exe = binary()
    if exe is None:
        raise SystemExit("py-spy is not installed (uv sync installs the dev dependencies)")
    return subprocess.Popen(
        [exe, "record", "--pid", str(pid), "--subprocesses", "--nonblocking",
         "--rate", "50", "--format", "raw", "--output", out, "--duration", str(int(seconds))],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def summary(path: str, top: int = 15) -> str:
    buckets: Counter[str] = Counter()
    own: Counter[str] = Counter()
    total = 0
    for line in Path(path).read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        frames = stack.split(";")[::-1]  # leaf first
        frames = [f for f in frames if not f.startswith("process ")]
        if not frames:
            continue
        total += n
        name = bucket(frames)
        buckets[name] += n
        if name != IDLE and not name.startswith("waiting"):
            own[frames[0]] += n
    if not total:
        return "py-spy: no samples"
    busy = total - buckets[IDLE]
    lines = [f"py-spy: {total:,} samples of gunicorn's processes on a CPU"]
    lines.append("  where the workers' CPU went (first known package from the leaf up):")
    for label, n in buckets.most_common():
        if label != IDLE:
            lines.append(f"    {label:<44} {100 * n / busy:5.1f} %")
    lines.append(f"  functions using the most CPU themselves (% of samples), top {top}:")
    for frame, n in own.most_common(top):
        lines.append(f"    {100 * n / busy:5.1f} %  {frame[:110]}")
    return "\n".join(lines)
