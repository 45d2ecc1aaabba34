#!/usr/bin/env bash
# Export benchmark (issue 5): 100,000 registrations of the demo event, half of them checked in on
# day one, on SQLite; times the attendance CSV and XLSX downloads and two pages of the
# registrations list, and reads the server's resident memory before and after (VmRSS) and its peak
# (VmHWM) from /proc. Appends a dated table to bench/RESULTS.md.
#
#   bench/exports.sh            (builds guichet in release first; about 6 minutes from scratch)
set -euo pipefail
cd "$(dirname "$0")/.."
ROWS=${ROWS:-100000}
PORT=${PORT:-18080}
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-target}"
cargo build --release -p guichet --quiet
GUICHET="$CARGO_TARGET_DIR/release/guichet"
WORK=${WORK:-$(mktemp -d)}
trap 'kill "${SERVER:-0}" 2>/dev/null || true; [ -s "$WORK/server.log" ] && tail -5 "$WORK/server.log" >&2; [ -n "${KEEP:-}" ] || rm -rf "$WORK"' EXIT
export GUICHET_DATA_DIR="$WORK/data" GUICHET_DATABASE_URL="sqlite://$WORK/data/guichet.db" GUICHET_LOG=warn

"$GUICHET" event import demo/idm-2008-migration-de-retour.toml >/dev/null
printf 'benchmark password\n' | "$GUICHET" staff add bench@example.org --role organiser --event idm-2008-migration-de-retour --password-stdin >/dev/null

# Seed in one SQL statement: the service's own register path is measured by issue 6's rush.
sqlite3 "$WORK/data/guichet.db" <<SQL
UPDATE events SET capacity = $ROWS, confirmed_count = $ROWS WHERE id = 1;
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $ROWS)
INSERT INTO registrations (event_id, given_name, family_name, email, email_normalized, organisation,
  function, category, country, language, needs, status, ticket_version, created_at, updated_at)
SELECT 1, 'Participant', 'Nº ' || i || ' Ñandú', 'p' || i || '@example.org', 'p' || i || '@example.org',
  'Organisation ' || (i % 300), NULL,
  CASE i % 4 WHEN 0 THEN 'member_state' WHEN 1 THEN 'civil_society' WHEN 2 THEN 'academia' ELSE 'media' END,
  CASE i % 3 WHEN 0 THEN 'CH' WHEN 1 THEN 'SN' ELSE 'VN' END,
  'fr', NULL, 'confirmed', 1, '2008-06-01T08:00:00+00:00', '2008-06-01T08:00:00+00:00'
FROM n;
INSERT INTO checkins (event_id, registration_id, day, staff_id, at)
SELECT 1, id, '2008-07-07', 1, '2008-07-07T07:' || printf('%02d', id % 60) || ':00+00:00'
FROM registrations WHERE id % 2 = 0;
SQL

"$GUICHET" serve --bind "127.0.0.1:$PORT" --clock 2008-07-07T12:00:00+02:00 >/dev/null 2>"$WORK/server.log" &
SERVER=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$PORT/healthz" >/dev/null && break; sleep 0.1; done
TOKEN=$(curl -fs -H 'content-type: application/json' \
  -d '{"email":"bench@example.org","password":"benchmark password"}' \
  "http://127.0.0.1:$PORT/api/v1/auth/login" | sed -E 's/.*"token":"([^"]+)".*/\1/')
rss() { awk '/^VmRSS/ {print int($2/1024)}' "/proc/$SERVER/status"; }
hwm() { awk '/^VmHWM/ {print int($2/1024)}' "/proc/$SERVER/status"; }
get() { # path -> "seconds bytes"
  curl -fs -o /dev/null -w '%{time_total} %{size_download}\n' -H "authorization: Bearer $TOKEN" \
    "http://127.0.0.1:$PORT$1"
}
RSS_START=$(rss)
read -r CSV_S CSV_B < <(get /api/v1/events/idm-2008-migration-de-retour/reports/attendance.csv)
RSS_AFTER_CSV=$(rss); HWM_AFTER_CSV=$(hwm)
read -r XLSX_S XLSX_B < <(get /api/v1/events/idm-2008-migration-de-retour/reports/attendance.xlsx)
HWM_AFTER_XLSX=$(hwm)

# The registrations list through a browser session: the first page, and one deep in the list.
COOKIE=$(curl -fs -o /dev/null -D - -d 'email=bench%40example.org&password=benchmark+password&next=%2F' \
  "http://127.0.0.1:$PORT/login" | awk -F'[ ;]' '/^set-cookie/ {print $2}')
page() { curl -fs -o /dev/null -w '%{time_total}' -H "cookie: $COOKIE" "http://127.0.0.1:$PORT$1"; }
LIST_FIRST=$(page "/organiser/idm-2008-migration-de-retour/registrations")
LIST_DEEP=$(page "/organiser/idm-2008-migration-de-retour/registrations?after=$((ROWS - 100))")
LIST_FILTERED=$(page "/organiser/idm-2008-migration-de-retour/registrations?q=%C3%B1and%C3%BA+99&absent_on=2008-07-07")

{
  echo
  echo "## Exports, $(date -u +%Y-%m-%d) ($ROWS registrations, SQLite, release build, $(nproc) cores)"
  echo
  echo "| measure | value |"
  echo "|---|---|"
  echo "| CSV export | ${CSV_S} s, $((CSV_B / 1024)) KiB |"
  echo "| XLSX export | ${XLSX_S} s, $((XLSX_B / 1024)) KiB |"
  echo "| server RSS before / after the CSV | ${RSS_START} MiB / ${RSS_AFTER_CSV} MiB (peak ${HWM_AFTER_CSV} MiB) |"
  echo "| server peak RSS after the XLSX | ${HWM_AFTER_XLSX} MiB |"
  echo "| registrations list, first page | ${LIST_FIRST} s |"
  echo "| registrations list, page after id $((ROWS - 100)) | ${LIST_DEEP} s |"
  echo "| registrations list, search + absent filter | ${LIST_FILTERED} s |"
  echo
  echo "Command: \`bench/exports.sh\`"
} | tee -a bench/RESULTS.md
