#!/usr/bin/env bash
# Every bench of bench/ at a tiny size, each on a database of its own that is dropped afterwards: a bench
# nothing runs breaks unnoticed (a new column, a new rule of the services). Run by .ci/run; needs the
# machine's PostgreSQL at 127.0.0.1:5432. The figures printed are not measurements. The demo is migrated and
# loaded once, into a template database: each bench starts from a copy of it (the benches that can also run
# on SQLite run here on PostgreSQL, the production database).
set -euo pipefail
cd "$(dirname "$0")/.."
PG=(-h 127.0.0.1 -p 5432 -U postgres)
WORK=$(mktemp -d)
TEMPLATE=portal_smoke_template
DBS=(portal_smoke_dossiers portal_smoke_notifications portal_smoke_http portal_smoke_scorecard portal_smoke_national_sync
  portal_smoke_search portal_smoke_ipn portal_smoke_filing portal_smoke_privacy)
cleanup() {
  for db in "${DBS[@]}" "$TEMPLATE"; do dropdb --if-exists "${PG[@]}" "$db" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT
export REDIS_URL="" MEDIA_ROOT="$WORK/media" EMAIL_FILE_PATH="$WORK/mail" SMS_FILE_PATH="$WORK/sms/outbox.jsonl"
# The benches that serve the portal under gunicorn share one collectstatic (bench/http_pages.py).
export BENCH_STATIC_ROOT="$WORK/static"

run() {
  local name=$1
  shift
  echo "--- $name"
  local started=$SECONDS
  if ! "$@" >"$WORK/$name.log" 2>&1; then
    tail -n 40 "$WORK/$name.log"
    echo "bench $name failed"
    exit 1
  fi
  grep -v -E "celery.app.trace|kombu.connection|pikepdf._core" "$WORK/$name.log" | tail -n 6
  echo "($name: $((SECONDS - started)) s)"
}

started=$SECONDS
source scripts/demo_database.sh
demo_database "$TEMPLATE" "$MEDIA_ROOT" "$WORK/template.log"
for db in "${DBS[@]}"; do
  dropdb --if-exists "${PG[@]}" "$db" 2>/dev/null
  createdb "${PG[@]}" -T "$TEMPLATE" "$db"
done
pg() { echo "postgres://postgres@127.0.0.1:5432/$1"; }
echo "(the demo, migrated and loaded once: $((SECONDS - started)) s)"

run catalogue_search env DATABASE_URL="$(pg portal_smoke_search)" \
  .venv/bin/python bench/catalogue_search.py --procedures 100 --iterations 3
run payments_ipn env DATABASE_URL="$(pg portal_smoke_ipn)" \
  .venv/bin/python bench/payments_ipn.py --count 10
run filing env DATABASE_URL="$(pg portal_smoke_filing)" \
  .venv/bin/python bench/filing.py --filings 10 --rounds 2
run dossiers_1m env DATABASE_URL="postgres://postgres@127.0.0.1:5432/${DBS[0]}" \
  .venv/bin/python bench/dossiers_1m.py --dossiers 2000 --citizens 50 --iterations 5 --max-seconds 5 \
  --explain-to "$WORK/explain.txt"
# The applicant's appointment pages, on the dossiers dossiers_1m just loaded.
run appointments env DATABASE_URL="postgres://postgres@127.0.0.1:5432/${DBS[0]}" \
  .venv/bin/python bench/appointments.py --iterations 3
# notifications_dispatch starts its own redis-server and Celery workers on free ports (its REDIS_URL).
run notifications_dispatch env DATABASE_URL="postgres://postgres@127.0.0.1:5432/${DBS[1]}" \
  .venv/bin/python bench/notifications_dispatch.py --noops 20 --notifications 10 --rate 5 --seconds 2 \
  --concurrency 1
# The pages over HTTP: gunicorn and wrk (installed by the script when missing), each page beside its ceiling.
run http_pages env DATABASE_URL="postgres://postgres@127.0.0.1:5432/${DBS[2]}" \
  .venv/bin/python bench/http_pages.py --smoke
# The Decision 766 scorecard: the daily aggregation's time, then its pages over HTTP beside the ceiling.
run scorecard env DATABASE_URL="postgres://postgres@127.0.0.1:5432/${DBS[3]}" \
  .venv/bin/python bench/scorecard.py --smoke
# The national portal sync on one worker (its own redis-server on a free port), the sandbox portal in-process.
run national_sync env DATABASE_URL="postgres://postgres@127.0.0.1:5432/${DBS[4]}" \
  .venv/bin/python bench/national_sync.py --smoke
# The citizen's "my data" archive (privacy): a citizen with a few dossiers and their files, over the view.
run privacy_export env DATABASE_URL="$(pg portal_smoke_privacy)" .venv/bin/python bench/privacy_export.py --smoke
# E-results: PAdES signing (cold/warm) and verification on a sandbox PKI of its own; no database.
run e_results .venv/bin/python bench/e_results.py --smoke
echo "all benches ran"
