#!/usr/bin/env bash
# The 09:00 rush on SQLite (issue 6, first part): check-ins of distinct tickets at concurrency 32,
# repeat scans of checked-in tickets, and a registration rush at concurrency 64 on an event with
# limited seats, driven by wrk over loopback; the server's peak RSS from /proc. Appends a dated
# table to bench/RESULTS.md.  Needs wrk (Debian: apt-get install wrk) and sqlite3.
#
#   bench/rush.sh
set -euo pipefail
cd "$(dirname "$0")/.."
TICKETS=${TICKETS:-60000}
SEATS=${SEATS:-500}
PORT=${PORT:-18090}
DURATION=${DURATION:-10s}
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}"
cargo build --release -p guichet --quiet
GUICHET="$CARGO_TARGET_DIR/release/guichet"
WORK=$(mktemp -d)
trap 'kill "${SERVER:-0}" 2>/dev/null && wait "${SERVER:-0}" 2>/dev/null; rm -rf "$WORK"' EXIT
# A fresh random key each run: a key written in the repository is one serve must refuse.
SECRET=$(python3 -c "import secrets; print(secrets.token_hex(32))")
export GUICHET_DATA_DIR="$WORK/data" GUICHET_DATABASE_URL="sqlite://$WORK/data/guichet.db" \
  GUICHET_LOG=warn GUICHET_SECRET_KEY="$SECRET" \
  GUICHET_REGISTRATIONS_PER_MINUTE=0  # the rush comes from one address (wrk on loopback)

"$GUICHET" event import demo/idm-2008-migration-de-retour.toml >/dev/null
sed -e 's/^slug = .*/slug = "rush"/' -e "s/^capacity = .*/capacity = $SEATS/" \
  demo/idm-2008-migration-de-retour.toml > "$WORK/rush.toml"
"$GUICHET" event import "$WORK/rush.toml" >/dev/null
printf 'benchmark password\n' | "$GUICHET" staff add desk@example.org --role desk --event idm-2008-migration-de-retour --event rush --password-stdin >/dev/null
sqlite3 "$WORK/data/guichet.db" <<SQL
UPDATE events SET capacity = $TICKETS, confirmed_count = $TICKETS WHERE id = 1;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $TICKETS)
INSERT INTO registrations (event_id, given_name, family_name, email, email_normalized, organisation,
  function, category, country, language, needs, status, ticket_version, created_at, updated_at)
SELECT 1, 'Guest', 'N' || i, 'g' || i || '@example.org', 'g' || i || '@example.org', 'Bench', NULL,
  'media', 'CH', 'fr', NULL, 'confirmed', 1, '2008-06-01T08:00:00+00:00', '2008-06-01T08:00:00+00:00'
FROM n;
SQL
# The tokens the emails would carry (see crates/domain/src/ticket.rs).
python3 - "$SECRET" "$TICKETS" > "$WORK/tokens.txt" <<'PY'
import base64, hashlib, hmac, struct, sys
key, n = sys.argv[1].encode(), int(sys.argv[2])
for rid in range(1, n + 1):
    mac = hmac.new(key, b"guichet-ticket-v1" + struct.pack(">iiH", 1, rid, 1), hashlib.sha256).digest()[:10]
    print(base64.b32encode(struct.pack(">iH", rid, 1) + mac).decode().rstrip("="))
PY

"$GUICHET" serve --bind "127.0.0.1:$PORT" --clock 2008-07-07T09:30:00+02:00 >/dev/null 2>&1 &
SERVER=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done
BEARER=$(curl -fs -H 'content-type: application/json' \
  -d '{"email":"desk@example.org","password":"benchmark password"}' \
  "http://127.0.0.1:$PORT/api/v1/auth/login" | sed -E 's/.*"token":"([^"]+)".*/\1/')
export BEARER TOKENS="$WORK/tokens.txt" THREADS=2

run() { # name connections script slug -> a table row
  local out
  out=$(SLUG="$4" wrk -t2 -c"$2" -d"$DURATION" --latency -s "$3" "http://127.0.0.1:$PORT" 2>&1)
  local rps p50 p99 errors
  rps=$(awk '/Requests\/sec/ {print $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  errors=$(awk '/Non-2xx|Socket errors/ {print}' <<<"$out" | tr '\n' ' ')
  echo "| $1 | $2 | $rps | $p50 | $p99 | ${errors:-none} |"
}
ROWS=()
ROWS+=("$(run "check-in, distinct tickets" 32 bench/checkin.lua idm-2008-migration-de-retour)")
ROWS+=("$(run "check-in, repeat scans" 32 bench/checkin.lua idm-2008-migration-de-retour)")
ROWS+=("$(run "registration rush, $SEATS seats" 64 bench/register.lua rush)")
CONFIRMED=$(sqlite3 "$WORK/data/guichet.db" "SELECT count(*) FROM registrations WHERE event_id = 2 AND status = 'confirmed'")
CHECKED=$(sqlite3 "$WORK/data/guichet.db" "SELECT count(*) FROM checkins")
HWM=$(awk '/^VmHWM/ {print int($2/1024)}' "/proc/$SERVER/status")

{
  echo
  echo "## The rush, $(date -u +%Y-%m-%d) (SQLite, release build, wrk -t2 over loopback, $DURATION each, $(nproc) cores shared)"
  echo
  echo "| run | connections | requests/s | p50 | p99 | errors |"
  echo "|---|---|---|---|---|---|"
  printf '%s\n' "${ROWS[@]}"
  echo
  echo "Distinct check-ins recorded: $CHECKED. Confirmed in the rush: $CONFIRMED for $SEATS seats. Server peak RSS: $HWM MiB."
  echo "Command: \`bench/rush.sh\`"
} | tee -a bench/RESULTS.md
