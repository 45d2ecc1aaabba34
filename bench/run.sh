#!/usr/bin/env bash
# guichet's benchmark (issue 6), in one run: builds guichet in release, then for SQLite and for
# PostgreSQL starts it on a fresh database, preloads what the runs need, and measures over loopback
#   (a) the 09:00 rush: check-ins of distinct tickets at concurrency 32 (wrk);
#   (b) repeat scans of tickets already checked in (wrk);
#   (c) a registration rush at concurrency 64 on an event with limited seats (wrk);
#   (d) draining an outbox of 10,000 confirmations to a real SMTP server (bench/smtp-sink);
#   (e) the attendance exports of 100,000 registrations, CSV and XLSX (curl);
#   (f) the organisers' dashboard page, every figure read afresh (curl);
# and the database's own ceiling for a transaction the size of a check-in: pgbench -N at the same
# concurrency on the same PostgreSQL; for SQLite, the same statements in a loop on one file
# (bench/sqlite_ceiling.py); and for scale, what guichet's HTTP stack serves with no database at
# all (GET /healthz). Each run gets the server's peak RSS (VmHWM, reset before each run).
# Prints one dated section and appends it to bench/RESULTS.md.
#
#   bench/run.sh                      # both databases
#   DATABASES=sqlite bench/run.sh     # one
#
# Needs wrk, pgbench, psql, sqlite3, python3 and curl (Debian: apt-get install wrk
# postgresql-client sqlite3 curl), and PostgreSQL at $PG_URL.
set -euo pipefail
cd "$(dirname "$0")/.."
DATABASES=${DATABASES:-"sqlite postgres"}
TICKETS=${TICKETS:-100000}     # registrations preloaded: tickets to scan, rows to export
SEATS=${SEATS:-500}            # seats of the registration rush's event
OUTBOX=${OUTBOX:-10000}        # confirmations to drain
DURATION=${DURATION:-10}       # seconds per wrk run and per ceiling run
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432}
PORT=${PORT:-18090}
SMTP_PORT=${SMTP_PORT:-18025}
CLIENTS_CHECKIN=32
CLIENTS_REGISTER=64

for tool in wrk pgbench psql sqlite3 python3 curl; do
  if ! command -v "$tool" >/dev/null; then
    echo "bench/run.sh needs $tool (Debian: apt-get install wrk postgresql-client sqlite3 python3 curl)" >&2
    exit 2
  fi
done

# The same target folder as .ci/run, so that a machine that ran CI reuses its build.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-${HOME}/.cache/guichet/target}"
cargo build --release --quiet -p smtp-sink
SINK="$CARGO_TARGET_DIR/release/smtp-sink"
# GUICHET_BIN: measure that build of guichet instead (to compare two versions).
if [ -z "${GUICHET_BIN:-}" ]; then
  cargo build --release --quiet -p guichet
fi
GUICHET=${GUICHET_BIN:-"$CARGO_TARGET_DIR/release/guichet"}

WORK=$(mktemp -d)
SERVER=0
SINK_PID=0
cleanup() {
  for pid in "$SERVER" "$SINK_PID"; do
    if [ "$pid" != 0 ]; then kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true; fi
  done
  rm -rf "$WORK"
}
trap cleanup EXIT

"$SINK" "$SMTP_PORT" "$WORK/smtp-count" &
SINK_PID=$!

# A fresh random key each run: a key written in the repository is one serve must refuse.
SECRET=$(python3 -c "import secrets; print(secrets.token_hex(32))")
export GUICHET_LOG=warn GUICHET_SECRET_KEY="$SECRET" GUICHET_SMTP_URL="smtp://127.0.0.1:$SMTP_PORT"
export GUICHET_EMAIL_FROM="guichet <guichet@bench.example>"
# The rushes come from one address (wrk on loopback): no registration limit per client address.
export GUICHET_REGISTRATIONS_PER_MINUTE=0

# The tokens the emails carry (crates/domain/src/ticket.rs), for registrations 1..TICKETS of event 1.
python3 - "$SECRET" "$TICKETS" > "$WORK/tokens.txt" <<'PY'
import base64, hashlib, hmac, struct, sys
key, n = sys.argv[1].encode(), int(sys.argv[2])
for rid in range(1, n + 1):
    mac = hmac.new(key, b"guichet-ticket-v1" + struct.pack(">iiH", 1, rid, 1), hashlib.sha256).digest()[:10]
    print(base64.b32encode(struct.pack(">iH", rid, 1) + mac).decode().rstrip("="))
PY

sql() { # runs $1, else stdin, against the current database; prints bare values
  if [ "$DB" = sqlite ]; then
    sqlite3 "$WORK/$DB/guichet.db" "$@"
  elif [ $# -gt 0 ]; then
    psql -qAtX -v ON_ERROR_STOP=1 "$PG_URL/guichet_bench" -c "$1"
  else
    psql -qAtX -v ON_ERROR_STOP=1 "$PG_URL/guichet_bench"
  fi
}
rss() { awk -v k="$1:" '$1 == k {print int($2 / 1024)}' "/proc/$SERVER/status"; } # VmRSS, VmHWM (MiB)
reset_peak() { echo 5 > "/proc/$SERVER/clear_refs"; }
sink_count() { cat "$WORK/smtp-count" 2>/dev/null || echo 0; }
emails_settled() { # no email left pending or in flight
  [ "$(sql "SELECT count(*) FROM outbox WHERE status IN ('pending', 'sending')")" = 0 ]
}
wait_for_emails() {
  for _ in $(seq 1 3000); do emails_settled && return; sleep 0.1; done
  echo "the outbox did not drain" >&2
}

ROWS=()
NOTES=()
PEAK=0
row() { ROWS+=("| $DB | $1 | $2 | $3 | $4 | $5 | $6 | $7 |"); }
peak() { # sets PEAK_NOW: the server's peak RSS since the last reset; PEAK keeps the maximum
  PEAK_NOW=$(rss VmHWM)
  PEAK=$(( PEAK_NOW > PEAK ? PEAK_NOW : PEAK ))
}

wrk_run() { # name connections script slug [limit] -> a table row; sets RPS
  local out rps p50 p99 errors
  reset_peak
  out=$(SLUG="$4" LIMIT="${5:-}" RUN="$(date +%s%N)" wrk -t2 -c"$2" -d"${DURATION}s" --latency -s "$3" \
    "http://127.0.0.1:$PORT" 2>&1)
  rps=$(awk '/Requests\/sec/ {printf "%.0f", $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  errors=$(awk '/Non-2xx/ {n += $NF} /Socket errors/ {n += 1} END {print n + 0}' <<<"$out")
  peak
  row "$1" "$2" "$rps/s" "$p50" "$p99" "$errors" "$PEAK_NOW MiB"
  RPS=$rps
}

export_run() { # format runs -> a table row
  local times=() growth=0 before top t
  for _ in $(seq 1 "$2"); do
    before=$(rss VmRSS)
    reset_peak
    t=$(curl -fsS -o "$WORK/export.$1" -w '%{time_total}' -H "authorization: Bearer $ORGANISER" \
      "http://127.0.0.1:$PORT/api/v1/events/idm-2008-migration-de-retour/reports/attendance.$1")
    peak
    top=$PEAK_NOW
    times+=("$t")
    growth=$(( top - before > growth ? top - before : growth ))
  done
  local sorted
  sorted=$(printf '%s\n' "${times[@]}" | sort -n)
  row "$1 export, $TICKETS rows ($2 runs)" 1 "$(printf '%.2f s' "$(sed -n 1p <<<"$sorted")") best" \
    "$(printf '%.2f s' "$(sed -n "$(( ($2 + 1) / 2 ))p" <<<"$sorted")")" \
    "$(printf '%.2f s' "$(tail -1 <<<"$sorted")") (max)" 0 "$top MiB, +$growth MiB"
  NOTES+=("$DB: $1 export: RSS grew by at most $growth MiB during an export; $(wc -c <"$WORK/export.$1") bytes.")
}

dashboard_run() { # runs -> a table row: the dashboard page, a full round of its figures
  local times=() t
  for _ in $(seq 1 "$1"); do
    reset_peak
    t=$(curl -fsS -o /dev/null -w '%{time_total}' -H "authorization: Bearer $ORGANISER" \
      "http://127.0.0.1:$PORT/organiser/idm-2008-migration-de-retour")
    peak
    times+=("$t")
  done
  local sorted
  sorted=$(printf '%s\n' "${times[@]}" | sort -n)
  ms() { awk -v t="$1" 'BEGIN { printf "%.0f ms", t * 1000 }'; }
  row "dashboard page, $TICKETS registrations with answers ($1 runs)" 1 \
    "$(ms "$(sed -n 1p <<<"$sorted")") best" "$(ms "$(sed -n "$(( ($1 + 1) / 2 ))p" <<<"$sorted")")" \
    "$(ms "$(tail -1 <<<"$sorted")") (max)" 0 "$PEAK_NOW MiB"
}

bench_database() {
  DB=$1
  mkdir -p "$WORK/$DB"
  export GUICHET_DATA_DIR="$WORK/$DB"
  if [ "$DB" = sqlite ]; then
    export GUICHET_DATABASE_URL="sqlite://$WORK/$DB/guichet.db"
    TS="'2008-06-01T08:00:00+00:00'"
  else
    psql -qX "$PG_URL/postgres" -c "DROP DATABASE IF EXISTS guichet_bench WITH (FORCE)" -c "CREATE DATABASE guichet_bench"
    export GUICHET_DATABASE_URL="$PG_URL/guichet_bench"
    TS="TIMESTAMPTZ '2008-06-01 08:00:00+00:00'"
  fi
  "$GUICHET" event import demo/idm-2008-migration-de-retour.toml >/dev/null
  sed -e 's/^slug = .*/slug = "rush"/' -e "s/^capacity = .*/capacity = $SEATS/" \
    demo/idm-2008-migration-de-retour.toml > "$WORK/rush.toml"
  "$GUICHET" event import "$WORK/rush.toml" >/dev/null
  printf 'benchmark password\n' | "$GUICHET" staff add desk@bench.example --role desk --event idm-2008-migration-de-retour --event rush --password-stdin >/dev/null
  printf 'benchmark password\n' | "$GUICHET" staff add organiser@bench.example --role organiser --event idm-2008-migration-de-retour --event rush --password-stdin >/dev/null
  sql <<SQL
UPDATE events SET capacity = $TICKETS, confirmed_count = $TICKETS WHERE id = 1;
INSERT INTO registrations (event_id, given_name, family_name, email, email_normalized, organisation,
  function, category, country, language, needs, status, ticket_version, created_at, updated_at,
  answers)
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $TICKETS)
SELECT 1, 'Guest', 'N' || i, 'g' || i || '@bench.example', 'g' || i || '@bench.example', 'Bench',
  NULL, CASE i % 3 WHEN 0 THEN 'media' WHEN 1 THEN 'ngo' ELSE 'government' END,
  CASE i % 4 WHEN 0 THEN 'CH' WHEN 1 THEN 'FR' WHEN 2 THEN 'SN' ELSE 'BE' END, 'fr', NULL,
  'confirmed', 1, $TS, $TS,
  CASE i % 3 WHEN 0 THEN '{"interpretation":"fr","diet":["vegetarian","gluten_free"]}'
    WHEN 1 THEN '{"interpretation":"en"}' ELSE '{}' END
FROM n;
SQL
  if [ "$DB" = postgres ]; then sql "VACUUM ANALYZE"; fi

  # As the Dockerfile runs it: glibc's malloc otherwise gives each of the SQLite connections'
  # threads an arena of its own, and memory freed there is slow to go back to the system
  # (measured: the CSV export's RSS growth on SQLite was 56 MiB without, 14 MiB with).
  MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2} "$GUICHET" serve --bind "127.0.0.1:$PORT" --clock 2008-07-07T09:30:00+02:00 >"$WORK/$DB/server.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.1; done
  login() {
    curl -fsS -H 'content-type: application/json' \
      -d "{\"email\":\"$1\",\"password\":\"benchmark password\"}" \
      "http://127.0.0.1:$PORT/api/v1/auth/login" | sed -E 's/.*"token":"([^"]+)".*/\1/'
  }
  BEARER=$(login desk@bench.example)
  ORGANISER=$(login organiser@bench.example)
  export BEARER TOKENS="$WORK/tokens.txt" THREADS=2

  # (a) and (b): the desk.
  local checkin_rps checked
  wrk_run "check-in, distinct tickets" $CLIENTS_CHECKIN bench/checkin.lua idm-2008-migration-de-retour
  checkin_rps=$RPS
  checked=$(sql "SELECT count(*) FROM checkins")
  # Tokens from the first half of those scanned: every one of them is checked in already.
  wrk_run "check-in, repeat scans" $CLIENTS_CHECKIN bench/checkin.lua idm-2008-migration-de-retour $(( checked / 2 ))
  local outcomes
  outcomes=$(sql "SELECT outcome || ': ' || count(*) FROM scan_log GROUP BY outcome ORDER BY outcome" | paste -sd, -)
  NOTES+=("$DB: $checked distinct check-ins recorded; scan log: $outcomes.")

  # The database's own ceiling, at the same concurrency.
  local ceiling
  if [ "$DB" = sqlite ]; then
    read -r ceiling c50 c99 < <(python3 bench/sqlite_ceiling.py "$WORK/$DB/ceiling.db" "$DURATION")
    row "ceiling: UPDATE+SELECT+INSERT per transaction, one loop" 1 "$ceiling/s" "${c50}ms" "${c99}ms" 0 "—"
  else
    psql -qX "$PG_URL/postgres" -c "DROP DATABASE IF EXISTS guichet_pgbench WITH (FORCE)" -c "CREATE DATABASE guichet_pgbench"
    pgbench -i -q -s 10 "$PG_URL/guichet_pgbench" >/dev/null 2>&1
    local out
    out=$(pgbench -N -n -c $CLIENTS_CHECKIN -j 2 -T "$DURATION" "$PG_URL/guichet_pgbench" 2>&1)
    ceiling=$(awk '/^tps = / {printf "%.0f", $3}' <<<"$out")
    local lat fails
    lat=$(awk '/latency average/ {print $4 "ms"}' <<<"$out")
    fails=$(awk '/number of failed transactions/ {print $5}' <<<"$out")
    row "ceiling: pgbench -N (simple-update)" $CLIENTS_CHECKIN "$ceiling/s" "$lat (mean)" "—" "${fails:-0}" "—"
    psql -qX "$PG_URL/postgres" -c "DROP DATABASE guichet_pgbench WITH (FORCE)"
  fi
  NOTES+=("$DB: check-in rate is $(( checkin_rps * 100 / ceiling ))% of the database's ceiling ($checkin_rps/s of $ceiling/s).")
  # What the HTTP stack alone serves here, at the same concurrency: no request that does more can
  # beat it, whatever the database.
  wrk_run "http ceiling: GET /healthz (no database)" $CLIENTS_CHECKIN bench/healthz.lua ""
  NOTES+=("$DB: check-in rate is $(( checkin_rps * 100 / RPS ))% of the HTTP stack's own rate ($checkin_rps/s of $RPS/s for GET /healthz).")

  # (c): the registration rush, its emails sent along the way.
  wrk_run "registration rush, $SEATS seats" $CLIENTS_REGISTER bench/register.lua rush
  local confirmed waitlisted
  confirmed=$(sql "SELECT count(*) FROM registrations WHERE event_id = 2 AND status = 'confirmed'")
  waitlisted=$(sql "SELECT count(*) FROM registrations WHERE event_id = 2 AND status = 'waitlisted'")
  NOTES+=("$DB: registration rush: $confirmed confirmed for $SEATS seats, $waitlisted waitlisted.")
  wait_for_emails

  # (d): the outbox drain, timed from the first message of the batch to the last.
  local base t0 t1 sent
  sleep 0.2 # the sink writes its count every 50 ms
  base=$(sink_count)
  reset_peak
  sql <<SQL
INSERT INTO outbox (registration_id, kind, status, attempts, next_attempt_at, created_at)
SELECT id, 'confirmation', 'pending', 0, $TS, $TS FROM registrations WHERE event_id = 1 AND id <= $OUTBOX;
SQL
  while [ "$(sink_count)" = "$base" ]; do sleep 0.01; done
  t0=$(date +%s.%N)
  for _ in $(seq 1 6000); do
    [ "$(sink_count)" -ge $(( base + OUTBOX )) ] && break
    sleep 0.02
  done
  t1=$(date +%s.%N)
  sleep 1 # anything beyond the batch would be a duplicate
  sent=$(( $(sink_count) - base ))
  local failed
  failed=$(sql "SELECT count(*) FROM outbox WHERE status <> 'sent'")
  peak
  row "outbox drain, $OUTBOX confirmations" 1 \
    "$(python3 -c "print(f'{($OUTBOX - 1) / ($t1 - $t0):.0f}/s')")" "—" "—" "$failed" "$PEAK_NOW MiB"
  NOTES+=("$DB: outbox: the SMTP server received $sent messages for $OUTBOX queued in $(python3 -c "print(f'{$t1 - $t0:.1f}')") s; not sent: $failed.")

  NOTES+=("$DB: $(sql "SELECT count(*) FROM checkins") check-ins recorded in all (requests still in flight when wrk stopped included).")

  # (e): the exports.
  export_run csv 3
  export_run xlsx 2
  # (f): the dashboard: every figure read afresh, the counts per option of every registration's
  # answers included (what a live stream's round reads when its cache of those counts is stale).
  dashboard_run 5
  NOTES+=("$DB: the server's RSS peaked at $PEAK MiB over all the runs.")
  PEAK=0

  kill "$SERVER" && wait "$SERVER" 2>/dev/null || true
  SERVER=0
  if [ "$DB" = postgres ]; then
    psql -qX "$PG_URL/postgres" -c "DROP DATABASE guichet_bench WITH (FORCE)"
  fi
}

for db in $DATABASES; do
  bench_database "$db"
done

# Read before the results are appended, which would count as a change.
VERSION="$(git rev-parse --short HEAD)$(git diff --quiet || echo ', with uncommitted changes')"
# GUICHET_LABEL names a GUICHET_BIN build (say, the commit it was built from).
if [ -n "${GUICHET_BIN:-}" ]; then VERSION="guichet ${GUICHET_LABEL:-from $GUICHET_BIN}; scripts at $VERSION"; fi
{
  echo
  echo "## $(date -u +%Y-%m-%d) — bench/run.sh ($VERSION)"
  echo
  echo "Release build; server, database and load generator sharing $(nproc) cores over loopback; wrk -t2, ${DURATION} s per run; $TICKETS registrations preloaded. Peak RSS is the server's VmHWM, reset before each run."
  echo
  echo "| database | run | concurrency | rate | p50 | p99 | errors | server peak RSS |"
  echo "|---|---|---|---|---|---|---|---|"
  printf '%s\n' "${ROWS[@]}"
  echo
  printf -- '- %s\n' "${NOTES[@]}"
} | tee -a bench/RESULTS.md
