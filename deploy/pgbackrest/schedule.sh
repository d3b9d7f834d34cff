#!/usr/bin/env bash
# The `pgbackrest` service (docker-compose.yml, profile "backup"): creates the stanza, checks that WAL
# reaches the repository, takes a backup at once (full the first time), then one a night at
# BACKUP_HOUR (PGBACKREST_BACKUP_HOUR in .env; default 1, container time): full on Sundays, differential otherwise. Old backups
# and their WAL expire after each one (repo1-retention-full). A failure is logged and retried the next night;
# the container exits (and restarts) when the archiving itself does not work.
set -euo pipefail
HOUR=${BACKUP_HOUR:-1}

pgbackrest --stanza=portal stanza-create
if ! pgbackrest --stanza=portal check; then
  echo "pgbackrest check failed: is PG_ARCHIVE_COMMAND set in .env and postgres restarted since?" >&2
  exit 1
fi
pgbackrest --stanza=portal --type=diff backup || echo "pgbackrest: the first backup failed" >&2
while true; do
  now=$(date +%s)
  next=$(date -d "today ${HOUR}:00" +%s)
  if [ "$next" -le "$now" ]; then next=$(date -d "tomorrow ${HOUR}:00" +%s); fi
  sleep $((next - now))
  type=diff
  if [ "$(date +%u)" = 7 ]; then type=full; fi
  pgbackrest --stanza=portal --type="$type" backup || echo "pgbackrest: the $type backup failed" >&2
done
