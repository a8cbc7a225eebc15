#!/usr/bin/env bash
# `make run`: install, migrate the SQLite database under var/, load the demo city into an
# empty database (or lay the story of an existing demo again for today), print the demo accounts and serve on http://127.0.0.1:8000/.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

HOST="${CHEGUAN_RUN_ADDRESS:-127.0.0.1:8000}"
# Debugging is off unless asked for; `make run` is the development server, so it asks.
export CHEGUAN_DEBUG=1
URL="http://$HOST/"

ensure_uv
sync_dependencies
mkdir -p var

say "Migrating the database"
"$CHEGUAN" migrate --noinput

say "Loading the demo city (into an empty database; an existing demo gets its story laid for today)"
"$CHEGUAN" seed-demo --if-empty --url "$URL"

say "Cheguan is starting at $URL  (Ctrl+C stops it)"
exec "$CHEGUAN" runserver "$HOST"
