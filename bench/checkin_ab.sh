#!/usr/bin/env bash
# Two builds of guichet compared on the 09:00 rush alone (check-ins of distinct tickets at
# concurrency 32, as bench/run.sh's run (a)), in interleaved rounds: A B B A A B B A … Each round
# starts the build on a fresh copy of a database prepared once per build, so both meet the same
# data, and a drift of the machine (another process, the CPU's clock) falls on both alike instead
# of on whichever ran second. bench/run.sh measures everything once; this is for "is B slower than
# A on check-in", where one run each is within the noise.
#
#   bench/checkin_ab.sh BIN_A LABEL_A BIN_B LABEL_B            # SQLite, 4 rounds of A and of B
#   ROUNDS=6 DB=postgres bench/checkin_ab.sh …                  # PostgreSQL at $PG_URL
#   RUN=register bench/checkin_ab.sh …                          # the registration rush instead
#                                                                 (c64, 500 seats, as run (c))
#
# Prints each run and the medians, and appends them to bench/RESULTS.md. Needs wrk, sqlite3 or
# psql, python3 and curl (see bench/run.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# = 4 ] || { echo "usage: $0 BIN_A LABEL_A BIN_B LABEL_B" >&2; exit 2; }
BINS=("$1" "$3")
LABELS=("$2" "$4")
DB=${DB:-sqlite}
ROUNDS=${ROUNDS:-4}
TICKETS=${TICKETS:-100000}
DURATION=${DURATION:-10}
PG_URL=${PG_URL:-postgres://postgres@127.0.0.1:5432}
PORT=${PORT:-18091}
SLUG=idm-2008-migration-de-retour
RUN=${RUN:-checkin}
case "$RUN" in
  checkin) SCRIPT=bench/checkin.lua CLIENTS=32 TARGET=$SLUG WHAT="check-in, distinct tickets, c32" ;;
  register) SCRIPT=bench/register.lua CLIENTS=64 TARGET=rush WHAT="registration rush, 500 seats, c64" ;;
  *) echo "RUN is checkin or register" >&2; exit 2 ;;
esac

WORK=$(mktemp -d)
SERVER=0
cleanup() {
  if [ "$SERVER" != 0 ]; then kill "$SERVER" 2>/dev/null; wait "$SERVER" 2>/dev/null || true; fi
  if [ "$DB" = postgres ]; then
    for db in guichet_ab_0 guichet_ab_1 guichet_ab_run; do
      psql -qX "$PG_URL/postgres" -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" 2>/dev/null || true
    done
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# A fresh random key each run: a key written in the repository is one serve must refuse.
SECRET=$(python3 -c "import secrets; print(secrets.token_hex(32))")
export GUICHET_LOG=warn GUICHET_SECRET_KEY="$SECRET" GUICHET_REGISTRATIONS_PER_MINUTE=0
# The tokens the emails carry (crates/domain/src/ticket.rs), as in bench/run.sh.
python3 - "$SECRET" "$TICKETS" > "$WORK/tokens.txt" <<'PY'
import base64, hashlib, hmac, struct, sys
key, n = sys.argv[1].encode(), int(sys.argv[2])
for rid in range(1, n + 1):
    mac = hmac.new(key, b"guichet-ticket-v1" + struct.pack(">iiH", 1, rid, 1), hashlib.sha256).digest()[:10]
    print(base64.b32encode(struct.pack(">iH", rid, 1) + mac).decode().rstrip("="))
PY

use_database() { # $1: a database name (PostgreSQL) or folder (SQLite) -> GUICHET_DATABASE_URL
  if [ "$DB" = sqlite ]; then
    export GUICHET_DATA_DIR="$WORK/$1" GUICHET_DATABASE_URL="sqlite://$WORK/$1/guichet.db"
  else
    export GUICHET_DATA_DIR="$WORK/$1" GUICHET_DATABASE_URL="$PG_URL/$1"
  fi
  mkdir -p "$GUICHET_DATA_DIR"
}

prepare() { # $1: the build's index: its own database, migrated by that build, with the tickets
  local name
  if [ "$DB" = sqlite ]; then name=template_$1; else name=guichet_ab_$1; fi
  if [ "$DB" = postgres ]; then
    psql -qX "$PG_URL/postgres" -c "DROP DATABASE IF EXISTS $name WITH (FORCE)" -c "CREATE DATABASE $name"
  fi
  use_database "$name"
  "${BINS[$1]}" event import demo/$SLUG.toml >/dev/null
  sed -e 's/^slug = .*/slug = "rush"/' -e 's/^capacity = .*/capacity = 500/' \
    demo/$SLUG.toml > "$WORK/rush.toml"
  "${BINS[$1]}" event import "$WORK/rush.toml" >/dev/null
  # A build before teams per event (issue 12) takes no --event: its roles reach every event.
  printf 'benchmark password\n' | "${BINS[$1]}" staff add desk@bench.example --role desk \
    --event $SLUG --event rush --password-stdin >/dev/null 2>&1 \
    || printf 'benchmark password\n' | "${BINS[$1]}" staff add desk@bench.example --role desk \
      --password-stdin >/dev/null
  local ts insert
  if [ "$DB" = sqlite ]; then ts="'2008-06-01T08:00:00+00:00'"; else ts="TIMESTAMPTZ '2008-06-01 08:00:00+00:00'"; fi
  insert="UPDATE events SET capacity = $TICKETS, confirmed_count = $TICKETS WHERE id = 1;
INSERT INTO registrations (event_id, given_name, family_name, email, email_normalized, organisation,
  function, category, country, language, needs, status, ticket_version, created_at, updated_at)
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $TICKETS)
SELECT 1, 'Guest', 'N' || i, 'g' || i || '@bench.example', 'g' || i || '@bench.example', 'Bench',
  NULL, 'ngo', 'CH', 'fr', NULL, 'confirmed', 1, $ts, $ts FROM n;"
  if [ "$DB" = sqlite ]; then
    sqlite3 "$GUICHET_DATA_DIR/guichet.db" "$insert"
  else
    psql -qAtX -v ON_ERROR_STOP=1 "$GUICHET_DATABASE_URL" -c "$insert" -c "VACUUM ANALYZE"
  fi
}

fresh_copy() { # $1: the build's index -> a database for one round, copied from its template
  if [ "$DB" = sqlite ]; then
    rm -rf "$WORK/run"
    cp -a "$WORK/template_$1" "$WORK/run"
    use_database run
  else
    psql -qX "$PG_URL/postgres" -c "DROP DATABASE IF EXISTS guichet_ab_run WITH (FORCE)" \
      -c "CREATE DATABASE guichet_ab_run TEMPLATE guichet_ab_$1"
    use_database guichet_ab_run
  fi
}

round() { # $1: the build's index -> appends "label rps p50 p99 errors" to $WORK/runs
  fresh_copy "$1"
  MALLOC_ARENA_MAX=2 "${BINS[$1]}" serve --bind "127.0.0.1:$PORT" --clock 2008-07-07T09:30:00+02:00 \
    >"$WORK/server.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$PORT/readyz" >/dev/null && break; sleep 0.1; done
  BEARER=$(curl -fsS -H 'content-type: application/json' \
    -d '{"email":"desk@bench.example","password":"benchmark password"}' \
    "http://127.0.0.1:$PORT/api/v1/auth/login" | sed -E 's/.*"token":"([^"]+)".*/\1/')
  local out
  out=$(BEARER="$BEARER" TOKENS="$WORK/tokens.txt" THREADS=2 SLUG=$TARGET RUN="$(date +%s%N)" \
    wrk -t2 -c"$CLIENTS" -d"${DURATION}s" --latency -s "$SCRIPT" "http://127.0.0.1:$PORT" 2>&1)
  # What the server wrote (write and pwrite calls: the database, its WAL, the .eml files) for
  # the run: a figure that does not drift with the machine as the rate does.
  local written
  written=$(awk '/^wchar/ {print $2}' "/proc/$SERVER/io")
  kill "$SERVER"; wait "$SERVER" 2>/dev/null || true
  SERVER=0
  awk -v label="${LABELS[$1]}" -v written="$written" '
    /Requests\/sec/ {rps = $2} $1 == "50%" {p50 = $2} $1 == "99%" {p99 = $2}
    / requests in / {requests = $1}
    /Non-2xx/ {errors += $NF} /Socket errors/ {errors += 1}
    END {printf "%s %.0f %s %s %d %.0f\n", label, rps, p50, p99, errors, written / requests}' \
    <<<"$out" | tee -a "$WORK/runs"
}

prepare 0
prepare 1
for r in $(seq 1 "$ROUNDS"); do
  if [ $((r % 2)) = 1 ]; then round 0; round 1; else round 1; round 0; fi
done

# The medians, and B against A.
# (Written to a file first: bash misreads a here-document inside $(…) that holds quotes.)
cat > "$WORK/summary.py" <<'PY'
import statistics, sys
runs = [line.split() for line in open(sys.argv[1])]
med = {}
for label in sys.argv[2:]:
    rates = [float(r[1]) for r in runs if r[0] == label]
    med[label] = statistics.median(rates)
    written = statistics.median(float(r[5]) for r in runs if r[0] == label)
    print(f"| {label} | {' · '.join(f'{x:.0f}' for x in rates)} | {med[label]:.0f}/s | {written:.0f} |")
a, b = sys.argv[2], sys.argv[3]
print(f"\n{b} against {a}: {100 * (med[b] / med[a] - 1):+.1f}% (medians).")
PY
SUMMARY=$(python3 "$WORK/summary.py" "$WORK/runs" "${LABELS[0]}" "${LABELS[1]}")
{
  echo
  echo "## $(date -u +%Y-%m-%d) — bench/checkin_ab.sh: $WHAT, $DB"
  echo
  echo "Release builds; interleaved rounds (A B B A …), ${DURATION} s each, every round on a fresh copy of its build's database with $TICKETS registrations; $(nproc) cores shared by server, database and wrk -t2."
  echo
  echo "| build | rate per round, in order | median | bytes written per request (median) |"
  echo "|---|---|---|---|"
  echo "$SUMMARY"
  echo
  echo "Each round (build, rate/s, p50, p99, non-2xx, bytes the server wrote per request):"
  echo
  sed 's/^/    /' "$WORK/runs"
} | tee -a bench/RESULTS.md
