#!/usr/bin/env bash
# The JSON API fuzzed against its own description: schemathesis (a pinned version, in a virtual
# environment under the machine's cache) generates requests for every operation of
# /api/v1/openapi.json and checks every answer: no 5xx, status codes, content types, headers and
# bodies as the document says, bad input refused, good input accepted.
#
# guichet runs from the debug build the tests made, on a fresh SQLite database, or on a fresh
# PostgreSQL database when GUICHET_TEST_DATABASE_URL is set (as for the tests), with the demo event
# published and its desk open (the clock at 09:30 on its first day). It runs once with a desk
# member's device token and once with an organiser's, so that both roles' answers are checked.
#
#   tests/fuzz/schemathesis.sh            # MAX_EXAMPLES per operation (default 30); bounded time
set -euo pipefail
cd "$(dirname "$0")/../.."

ST_VERSION=4.32.5
MAX_EXAMPLES=${MAX_EXAMPLES:-30}
MAX_TIME=${MAX_TIME:-180}          # seconds per role: the whole run stays a few minutes
PORT=${PORT:-18095}
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-${HOME}/.cache/guichet/target}"
tools="${HOME}/.cache/guichet/tools"
if [ "$("$tools/st-venv/bin/st" --version 2>/dev/null)" != "st, version $ST_VERSION" ]; then
  python3 -m venv "$tools/st-venv"
  "$tools/st-venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$ST_VERSION"
fi
cargo build --quiet -p guichet
GUICHET="$CARGO_TARGET_DIR/debug/guichet"

WORK=$(mktemp -d)
SERVER=0
PG_DB=""
cleanup() {
  if [ "$SERVER" != 0 ]; then kill "$SERVER" 2>/dev/null; wait "$SERVER" 2>/dev/null || true; fi
  if [ -n "$PG_DB" ]; then
    psql -qX "$GUICHET_TEST_DATABASE_URL/postgres" -c "DROP DATABASE IF EXISTS $PG_DB WITH (FORCE)" || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

export GUICHET_DATA_DIR="$WORK" GUICHET_LOG=warn
export GUICHET_SECRET_KEY="schemathesis run $(date +%s%N) random enough key"
if [ -n "${GUICHET_TEST_DATABASE_URL:-}" ]; then
  PG_DB="guichet_fuzz_$$"
  psql -qX "$GUICHET_TEST_DATABASE_URL/postgres" -c "CREATE DATABASE $PG_DB"
  export GUICHET_DATABASE_URL="$GUICHET_TEST_DATABASE_URL/$PG_DB"
else
  export GUICHET_DATABASE_URL="sqlite://$WORK/guichet.db"
fi

# The demo event first: each role is granted on it.
"$GUICHET" event import demo/idm-2008-migration-de-retour.toml >/dev/null
for role in desk organiser; do
  printf 'fuzzing password\n' | "$GUICHET" staff add "$role@fuzz.example" --role "$role" \
    --event idm-2008-migration-de-retour --password-stdin >/dev/null
done
"$GUICHET" serve --demo --bind "127.0.0.1:$PORT" --clock 2008-07-07T09:30:00+02:00 >"$WORK/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.2; done
token() {
  curl -fsS -H 'content-type: application/json' \
    -d "{\"email\":\"$1@fuzz.example\",\"password\":\"fuzzing password\"}" \
    "http://127.0.0.1:$PORT/api/v1/auth/login" | python3 -c 'import json, sys; print(json.load(sys.stdin)["token"])'
}

# Both tokens before any fuzzing: fuzzing the login form trips its throttle for this address.
DESK_TOKEN=$(token desk)
ORGANISER_TOKEN=$(token organiser)
status=0
for role in desk organiser; do
  echo "=== schemathesis as $role"
  if [ "$role" = desk ]; then bearer=$DESK_TOKEN; else bearer=$ORGANISER_TOKEN; fi
  "$tools/st-venv/bin/st" --no-color --config-file tests/fuzz/schemathesis.toml run "http://127.0.0.1:$PORT/api/v1/openapi.json" \
    --checks all --max-examples "$MAX_EXAMPLES" --max-time "$MAX_TIME" --workers 2 \
    --request-timeout 10 --suppress-health-check too_slow,filter_too_much \
    -H "Authorization: Bearer $bearer" || status=$?
done
if grep -E "panicked|ERROR" "$WORK/server.log"; then
  echo "the server logged errors during the run (above)" >&2
  status=1
fi
exit $status
