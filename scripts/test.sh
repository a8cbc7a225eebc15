#!/usr/bin/env bash
# `make test`: install what is needed, then every check CI runs, browser tests included.
#   ruff (lint + format) · translations · makemigrations --check · OpenAPI drift ·
#   import contracts · mypy · pytest
# Extra arguments go to pytest (e.g. `scripts/test.sh -k audit`). pytest runs in three xdist
# workers: many tests wait on a server, a browser or a subprocess, so three beat two on 2
# cores (measured on SQLite, 1,960 tests: 545 s with two, 426 s with three);
# CHEGUAN_TEST_WORKERS=0 runs it in one process, CHEGUAN_TEST_WORKERS=4 in four.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

STARTED=$SECONDS
# The checks below run the development settings (debugging is off unless asked for); the
# tests that need production settings start their own processes with CHEGUAN_DEBUG=0.
export CHEGUAN_DEBUG=1
# Debian packages the browser tests and the translations need: package → a file it installs.
declare -A SYSTEM_PACKAGES=(
    [chromium]=/usr/bin/chromium
    [fonts-noto-cjk]=/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
    [gettext]=/usr/bin/msgfmt
    [poppler-utils]=/usr/bin/pdftotext
    # The CMaps pdftotext needs to read the PDFs' CID font (STSong-Light): a "recommends" of
    # poppler-utils, so --no-install-recommends leaves it out.
    [poppler-data]=/usr/share/poppler/cMap/Adobe-GB1
)

ensure_system_packages() {
    local missing=() package
    for package in chromium fonts-noto-cjk gettext poppler-utils poppler-data; do
        [[ -e "${SYSTEM_PACKAGES[$package]}" ]] || missing+=("$package")
    done
    ((${#missing[@]} == 0)) && return 0
    local command="apt-get update && apt-get install -y --no-install-recommends ${missing[*]}"
    if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
        say "Installing ${missing[*]} (Debian packages for the browser tests)"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -q && apt-get install -y -q --no-install-recommends "${missing[@]}"
        return 0
    fi
    die "The tests need these Debian packages, which are missing: ${missing[*]}
Install them as root, then run 'make test' again:
    sudo sh -c '$command'
(Never 'playwright install': the browser tests use Debian's Chromium.)"
}

# Redis at 127.0.0.1:6379: the cache and session tests use the real server
# (tests/core/test_redis.py). Started here if it is installed but not running.
ensure_redis() {
    redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && return 0
    if ! command -v redis-server >/dev/null 2>&1; then
        if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null 2>&1; then
            say "Installing redis-server (Debian package) for the cache tests"
            apt-get update -q && apt-get install -y -q --no-install-recommends redis-server redis-tools
        else
            die "The tests need Redis at 127.0.0.1:6379. Install it (sudo apt-get install redis-server) and run 'make test' again."
        fi
    fi
    say "Starting Redis on 127.0.0.1:6379 (nothing kept on disk)"
    redis-server --bind 127.0.0.1 --port 6379 --daemonize yes --save "" --appendonly no >/dev/null
    for _ in $(seq 1 20); do
        redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && return 0
        sleep 0.25
    done
    die "Redis did not start on 127.0.0.1:6379."
}

# The read-replica test (tests/core/test_replicas.py) makes a streaming replica of the
# PostgreSQL test server with pg_basebackup, which needs a replication connection from
# 127.0.0.1. On our machines that server trusts 127.0.0.1 for ordinary connections; this
# allows the same for replication, once, if we may edit its pg_hba.conf.
ensure_local_replication() {
    [[ -n "${DATABASE_URL:-}" ]] || return 0
    local admin=(psql -X -q -h 127.0.0.1 -p 5432 -U postgres -d postgres)
    psql -X -q "host=127.0.0.1 port=5432 user=postgres replication=true" -c "IDENTIFY_SYSTEM" \
        >/dev/null 2>&1 && return 0
    local hba
    hba="$("${admin[@]}" -tAc "SHOW hba_file" 2>/dev/null)" || return 0  # not our local server
    if [[ -w "$hba" ]]; then
        say "Allowing replication connections from 127.0.0.1 in $hba (the replica test)"
        printf '\n# cheguan tests: pg_basebackup of this server from 127.0.0.1\nhost replication all 127.0.0.1/32 trust\n' >>"$hba"
        "${admin[@]}" -tAc "SELECT pg_reload_conf()" >/dev/null
        return 0
    fi
    die "The replica test needs replication connections from 127.0.0.1 to PostgreSQL. Add to $hba:
    host replication all 127.0.0.1/32 trust
then reload PostgreSQL and run 'make test' again."
}

step() {
    local title=$1
    shift
    say "$title"
    "$@" || die "$title failed (see above)."
}

ensure_system_packages
ensure_redis
ensure_local_replication
ensure_uv
sync_dependencies

step "ruff check" .venv/bin/ruff check .
step "ruff format --check" .venv/bin/ruff format --check .
if [[ -x scripts/check-translations.sh ]]; then
    # The compiled .mo files are committed; tests/web/test_translations.py checks them.
    step "Chinese catalogue covers every user-facing string" scripts/check-translations.sh
fi
step "makemigrations --check" "$CHEGUAN" makemigrations --check --dry-run
step "OpenAPI drift (docs/openapi.json)" "$CHEGUAN" openapi --check docs/openapi.json
step "Import contracts (lint-imports)" .venv/bin/lint-imports
step "Types (mypy with django-stubs over src/)" .venv/bin/mypy src/

WORKERS="${CHEGUAN_TEST_WORKERS:-3}"
if [[ "$WORKERS" == 0 ]]; then PARALLEL=(); else PARALLEL=(-n "$WORKERS"); fi
if [[ -n "${DATABASE_URL:-}" ]]; then DATABASE=PostgreSQL; else DATABASE=SQLite; fi
say "pytest (whole suite, browser tests included) on $DATABASE, ${WORKERS} xdist worker(s)"
set +e
.venv/bin/pytest "${PARALLEL[@]}" "$@"
status=$?
set -e
if ((status == 5)); then
    die "pytest collected no tests: that is a failure, not a pass."
fi
((status == 0)) || die "pytest failed (exit $status)."

say "All checks passed in $((SECONDS - STARTED)) s"
