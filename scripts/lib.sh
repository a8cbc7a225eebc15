# Shared by scripts/run.sh and scripts/test.sh (sourced, not executed).
# Finds or installs uv, then installs the locked dependencies into .venv.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export UV_NO_PROGRESS=1
export PYTHONUNBUFFERED=1
CHEGUAN="$ROOT/.venv/bin/cheguan"

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
die() { printf '\n\033[1;31mERROR:\033[0m %s\n' "$*" >&2; exit 1; }

# Sets the array UV to a working uv command: uv on PATH, `python3 -m uv`, or installs it.
find_uv() {
    local candidate
    for candidate in uv "$HOME/.local/bin/uv" "$HOME/.cargo/bin/uv" "$ROOT/var/tools/bin/uv"; do
        if command -v "$candidate" >/dev/null 2>&1 && "$candidate" --version >/dev/null 2>&1; then
            UV=("$candidate"); return 0
        fi
    done
    if python3 -m uv --version >/dev/null 2>&1; then
        UV=(python3 -m uv); return 0
    fi
    return 1
}

ensure_uv() {
    command -v python3 >/dev/null 2>&1 || die "python3 (3.11 or newer) is needed; install it first."
    find_uv && return 0
    say "Installing uv (Python package manager) for this user"
    # 1. pip for this user; Debian's system Python refuses without --break-system-packages
    #    (uv is a standalone program, so that flag touches nothing of the system's).
    python3 -m pip install --user --quiet uv 2>/dev/null \
        || python3 -m pip install --user --quiet --break-system-packages uv 2>/dev/null \
        || python3 -m pip install --quiet uv 2>/dev/null \
        || true
    find_uv && return 0
    # 2. no pip at all: a private virtual environment under var/tools (needs python3-venv).
    if python3 -m venv "$ROOT/var/tools" >/dev/null 2>&1; then
        "$ROOT/var/tools/bin/python" -m pip install --quiet uv && find_uv && return 0
    fi
    die "Could not install uv. Install it yourself, then run this again:
    python3 -m pip install --user uv      (or: pipx install uv)
  or see https://docs.astral.sh/uv/getting-started/installation/"
}

sync_dependencies() {
    say "Installing locked dependencies into .venv (uv sync --frozen)"
    "${UV[@]}" sync --frozen
}
