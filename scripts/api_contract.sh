#!/usr/bin/env bash
# The API against its own OpenAPI schema: schemathesis runs every check on every operation of /api/schema/
# against a live server (runserver on a free port, DEBUG off, on a fresh PostgreSQL database holding the
# demo data), then the server is stopped by its PID. Run by .ci/run; needs PostgreSQL at 127.0.0.1:5432.
# Any failure (a 5xx, an answer the schema does not document, invalid input accepted) fails the script.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)

DB=${API_CONTRACT_DB:-portal_api_contract}
PG=(-h 127.0.0.1 -p 5432 -U postgres)
WORK=$(mktemp -d)
source scripts/support.sh
PORT=$(free_port)

export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB" REDIS_URL="" PORTAL_ENV=development DEBUG=false
export MEDIA_ROOT="$WORK/media" EMAIL_FILE_PATH="$WORK/mail" SMS_FILE_PATH="$WORK/sms/outbox.jsonl"

SERVER=""
stop() {
  if [ -n "$SERVER" ]; then
    kill "$SERVER" 2>/dev/null || true
    wait "$SERVER" 2>/dev/null || true
  fi
  dropdb --if-exists "${PG[@]}" "$DB" 2>/dev/null || true
  rm -rf "$WORK"
}
trap stop EXIT

source scripts/demo_database.sh
demo_database "$DB" "$MEDIA_ROOT" "$WORK/load_demo.log"
# The dossier API (/api/v1/) is exercised as an identified client: a key with every scope, two demo
# agencies, a rate limit schemathesis cannot reach (the 429 is tested in tests/integrations).
API_KEY=$(.venv/bin/python manage.py create_api_client "API contract" --agency 000.00.01.H43 \
  --agency 000.00.05.H43 --scope dossiers:read --scope dossiers:documents --scope dossiers:counts \
  --rate 1000000 | sed -n 's/^API key (shown once): //p')

.venv/bin/python manage.py runserver --noreload "127.0.0.1:$PORT" >"$WORK/server.log" 2>&1 &
SERVER=$!

status=0
# From the scratch folder: schemathesis keeps a cache (.schemathesis/) in the folder it runs in.
(cd "$WORK" && "$ROOT/.venv/bin/schemathesis" run "http://127.0.0.1:$PORT/api/schema/" \
  --wait-for-schema 30 --checks all --max-examples "${API_CONTRACT_EXAMPLES:-100}" --workers 2 \
  --generation-database none --seed "${API_CONTRACT_SEED:-$RANDOM}" --no-color \
  --header "X-API-Key: $API_KEY") || status=$?
if [ "$status" -ne 0 ]; then
  echo "--- server log (last 60 lines) ---"
  tail -n 60 "$WORK/server.log"
fi
exit "$status"
