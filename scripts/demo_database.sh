# Sourced by the scripts that need the demo on PostgreSQL (api_contract.sh, restore_drill.sh,
# bench_smoke.sh). `demo_database DB MEDIA LOG` leaves in database DB the migrated demo and in folder MEDIA
# its files: a copy of the template .ci/run makes once ($DEMO_TEMPLATE_DB and $DEMO_TEMPLATE_MEDIA), or,
# without one (a script run on its own), migrated and loaded here. Needs PostgreSQL at 127.0.0.1:5432.
demo_database() {
  local db=$1 media=$2 log=$3
  local pg=(-h 127.0.0.1 -p 5432 -U postgres)
  dropdb --if-exists "${pg[@]}" "$db" 2>/dev/null
  mkdir -p "$media"
  if [ -n "${DEMO_TEMPLATE_DB:-}" ]; then
    createdb "${pg[@]}" -T "$DEMO_TEMPLATE_DB" "$db"
    cp -a "$DEMO_TEMPLATE_MEDIA/." "$media/"
    return
  fi
  createdb "${pg[@]}" "$db"
  local scratch
  scratch=$(dirname "$log")
  if ! env DATABASE_URL="postgres://postgres@127.0.0.1:5432/$db" DATABASE_REPLICA_URL="" REDIS_URL="" \
    MEDIA_ROOT="$media" EMAIL_FILE_PATH="$scratch/demo-mail" SMS_FILE_PATH="$scratch/demo-sms/outbox.jsonl" \
    sh -c '.venv/bin/python manage.py migrate -v0 && .venv/bin/python manage.py load_demo' >"$log" 2>&1; then
    tail -n 40 "$log"
    echo "the demo could not be loaded into $db"
    return 1
  fi
}
