#!/usr/bin/env bash
# The point-in-time recovery drill (docs/runbook.md, "Restore to a point in time"): continuous WAL archiving
# with pgBackRest and deploy/pgbackrest/pgbackrest.conf, on a PostgreSQL server of its own (initdb on a free
# port, never the machine's shared one), with the demo in it:
#   1. stanza-create, check (WAL reaches the repository), a full backup: what deploy/pgbackrest/schedule.sh runs;
#   2. after the backup, a citizen withdraws a dossier through the portal's service (an audited change, one
#      more link of the hash chain): it lives only in the archived WAL;
#   3. the time T is taken, then "the bad UPDATE" an operator runs by mistake: every applicant's phone emptied;
#   4. the server stopped, `pgbackrest --delta --type=time --target=T --target-action=promote restore` (the
#      runbook's command), the server started;
#   5. the withdrawal is there, the phones are back, `manage.py verify_audit` walks every chain and
#      `manage.py migrate --check` finds nothing to apply.
# Prints the figures (backup s, restore s, replay until ready s). Fails on any difference. Run by .ci/run; needs
# PostgreSQL's server binaries (the machine's packages) and 127.0.0.1:5432 for the demo's template.
# PITR_DRILL_SOURCE_DB=portal_bench runs it on a copy of that database of 127.0.0.1:5432 instead of the demo
# (bench/README.md: the recovery time of a year of dossiers); the database itself is only read.
set -euo pipefail
cd "$(dirname "$0")/.."

source scripts/support.sh
debian_packages pgbackrest # deploy/postgres/Dockerfile installs the same in the image

PGBIN=/usr/lib/postgresql/$(ls /usr/lib/postgresql | sort -V | tail -n 1)/bin
# PostgreSQL refuses to run as root: as root, the server and pgBackRest run as the postgres user.
as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
PORT=${PITR_DRILL_PORT:-$(free_port)}
WORK=$(mktemp -d /tmp/pitr-drill.XXXXXX)
DATA=$WORK/data
SOURCE=${PITR_DRILL_SOURCE_DB:-portal_pitr_source}
SHARED=(-h 127.0.0.1 -p 5432 -U postgres)
OWN=(-h 127.0.0.1 -p "$PORT" -U postgres)
cleanup() {
  if [ -f "$DATA/postmaster.pid" ]; then as_postgres "$PGBIN/pg_ctl" -D "$DATA" -m immediate stop >/dev/null 2>&1 || true; fi
  if [ -z "${PITR_DRILL_SOURCE_DB:-}" ]; then dropdb --if-exists "${SHARED[@]}" "$SOURCE" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT
mkdir -p "$WORK"/{run,repo,log,lock,spool,conf.d}
if [ "$(id -u)" -eq 0 ]; then chown -R postgres: "$WORK"; fi

# The repository's settings with this machine's paths: the data directory, socket and port of the drill's
# server, a posix repository in the work folder. Every other line (retention, compression, processes) is the
# file production runs.
CONF=$WORK/pgbackrest.conf
sed -e "s|^pg1-path=.*|pg1-path=$DATA|" -e "s|^pg1-socket-path=.*|pg1-socket-path=$WORK/run|" \
  -e "s|^pg1-user=.*|pg1-user=postgres\npg1-port=$PORT|" \
  -e "s|^\[global\]$|[global]\nrepo1-path=$WORK/repo\nlog-path=$WORK/log\nlock-path=$WORK/lock\nspool-path=$WORK/spool|" \
  deploy/pgbackrest/pgbackrest.conf >"$CONF"
for line in "pg1-path=$DATA" "pg1-socket-path=$WORK/run" "pg1-port=$PORT" "repo1-path=$WORK/repo" "[portal]"; do
  grep -qxF "$line" "$CONF" || {
    echo "pitr drill: deploy/pgbackrest/pgbackrest.conf changed shape ($line not set); update this script"
    exit 1
  }
done
chmod 644 "$CONF"
BACKREST=(pgbackrest --config="$CONF" --config-include-path="$WORK/conf.d" --stanza=portal)

as_postgres "$PGBIN/initdb" -D "$DATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$WORK/initdb.log"
# docker-compose.yml's archiving settings (archive_mode, archive_timeout, the archive_command of
# docs/runbook.md) on a private port and socket.
cat >>"$DATA/postgresql.conf" <<EOF
port = $PORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '$WORK/run'
archive_mode = on
archive_timeout = 60
archive_command = '${BACKREST[*]} archive-push %p'
EOF
server_start() { as_postgres "$PGBIN/pg_ctl" -D "$DATA" -l "$WORK/log/postgres.log" -w -t 300 start >/dev/null; }
server_start

# The demo: a copy of .ci/run's template, or loaded here into the shared server, then dumped into the drill's.
if [ -z "${PITR_DRILL_SOURCE_DB:-}" ]; then
  source scripts/demo_database.sh
  demo_database "$SOURCE" "$WORK/media" "$WORK/load_demo.log"
fi
createdb "${OWN[@]}" portal
pg_dump -Fc "${SHARED[@]}" "$SOURCE" | pg_restore "${OWN[@]}" -d portal --no-owner
if [ -z "${PITR_DRILL_SOURCE_DB:-}" ]; then dropdb "${SHARED[@]}" "$SOURCE"; fi

export DATABASE_URL="postgres://postgres@127.0.0.1:$PORT/portal" REDIS_URL="" DATABASE_REPLICA_URL=""
export MEDIA_ROOT="$WORK/media" EMAIL_FILE_PATH="$WORK/mail" SMS_FILE_PATH="$WORK/sms/outbox.jsonl"
sql() { psql "${OWN[@]}" -d portal -qAtX -c "$1"; }
# A copy made by an older commit gets this one's migrations first: after the restore, none may be pending.
.venv/bin/python manage.py migrate -v0 >"$WORK/migrate-before.log" 2>&1 || {
  cat "$WORK/migrate-before.log"
  exit 1
}

ms() { date +%s%3N; }
as_postgres "${BACKREST[@]}" stanza-create >"$WORK/stanza.log"
as_postgres "${BACKREST[@]}" check >"$WORK/check.log"
start=$(ms)
as_postgres "${BACKREST[@]}" --type=full backup >"$WORK/backup.log"
backup_ms=$(($(ms) - start))

# After the backup: an audited change through the portal's own service.
withdrawn=$(.venv/bin/python manage.py shell -c '
from dossiers import services
from dossiers.models import Dossier, State
dossier = (
    Dossier.objects.filter(state__in=[State.SUBMITTED, State.RECEIVED, State.IN_PROGRESS], applicant__isnull=False)
    .order_by("pk").first()
)
services.withdraw(dossier=dossier, by=dossier.applicant, reason="PITR drill")
print(dossier.pk)
' 2>"$WORK/withdraw.log" | tail -n 1)
events=$(sql "SELECT count(*) FROM dossiers_dossierevent")
phones=$(sql "SELECT count(*) FROM dossiers_dossier WHERE applicant_phone <> ''")
target=$(sql "SELECT clock_timestamp()")
sleep 1
# The operator's mistake, after T.
sql "UPDATE dossiers_dossier SET applicant_phone = ''"
[ "$(sql "SELECT count(*) FROM dossiers_dossier WHERE applicant_phone <> ''")" = 0 ]
# check switches to a new WAL segment and waits until it is in the repository: the mistake is archived too.
as_postgres "${BACKREST[@]}" check >>"$WORK/check.log"

as_postgres "$PGBIN/pg_ctl" -D "$DATA" -m fast stop >/dev/null
# The runbook's restore keeps the files unchanged since the backup (--delta); PITR_DRILL_LOST_HOST=1 restores
# into an empty data directory instead, as onto a new host after the old one is lost.
delta=(--delta)
if [ -n "${PITR_DRILL_LOST_HOST:-}" ]; then
  find "$DATA" -mindepth 1 -delete
  delta=()
fi
start=$(ms)
as_postgres "${BACKREST[@]}" "${delta[@]}" --type=time "--target=$target" --target-action=promote restore \
  >"$WORK/restore.log"
restore_ms=$(($(ms) - start))
start=$(ms)
server_start
until [ "$(sql "SELECT pg_is_in_recovery()")" = f ]; do sleep 0.2; done
replay_ms=$(($(ms) - start))

fail() {
  echo "pitr drill FAILED: $1"
  tail -n 30 "$WORK/log/postgres.log"
  exit 1
}
[ -n "$withdrawn" ] || fail "no dossier was withdrawn before T ($(tail -n 5 "$WORK/withdraw.log"))"
state=$(sql "SELECT state FROM dossiers_dossier WHERE id = $withdrawn")
[ "$state" = withdrawn ] || fail "dossier $withdrawn is '$state' after the restore: the WAL after the backup was not replayed"
[ "$(sql "SELECT count(*) FROM dossiers_dossierevent")" = "$events" ] || fail "the audit trail has not its $events events"
restored_phones=$(sql "SELECT count(*) FROM dossiers_dossier WHERE applicant_phone <> ''")
[ "$restored_phones" = "$phones" ] || fail "$restored_phones phones after the restore, $phones at T: the UPDATE after T was replayed"
.venv/bin/python manage.py verify_audit >"$WORK/verify.log" 2>&1 || {
  cat "$WORK/verify.log"
  fail "verify_audit"
}
.venv/bin/python manage.py migrate --check >"$WORK/migrate.log" 2>&1 || {
  cat "$WORK/migrate.log"
  fail "migrations to apply after the restore"
}
size=$(du -sh "$WORK/repo" | cut -f1)
printf 'pitr drill passed%s: full backup %d.%03d s, restore to T %d.%03d s, replay and promote %d.%03d s; dossier %s withdrawn after the backup kept, %s phones emptied after T undone, %s audit events verified, repository %s\n' \
  "${PITR_DRILL_LOST_HOST:+ (into an empty data directory)}" $((backup_ms / 1000)) $((backup_ms % 1000)) $((restore_ms / 1000)) $((restore_ms % 1000)) \
  $((replay_ms / 1000)) $((replay_ms % 1000)) "$withdrawn" "$phones" "$events" "$size"
