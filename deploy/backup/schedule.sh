#!/usr/bin/env bash
# The `backup` service (docker-compose.yml, profile "backup"): `manage.py backup` of the database and the
# uploaded files every night at BACKUP_HOUR (default 2, container time) into /app/var/backups/<date>, each
# checked with `manage.py restore --check-only`; keeps BACKUP_KEEP_DAYS (default 14) days. Copy the folder
# off the host (rclone, rsync) from the `backups` volume: a copy on the same disk is no backup.
set -euo pipefail
HOUR=${BACKUP_HOUR:-2}
KEEP=${BACKUP_KEEP_DAYS:-14}
ROOT=/app/var/backups

while true; do
  now=$(date +%s)
  next=$(date -d "today ${HOUR}:00" +%s)
  if [ "$next" -le "$now" ]; then next=$(date -d "tomorrow ${HOUR}:00" +%s); fi
  sleep $((next - now))
  folder="$ROOT/$(date +%Y-%m-%dT%H%M)"
  if python manage.py backup --to "$folder" && python manage.py restore --from "$folder" --check-only; then
    find "$ROOT" -mindepth 1 -maxdepth 1 -type d -mtime +"$KEEP" -exec rm -rf {} +
  else
    echo "nightly backup FAILED ($folder)" >&2
  fi
done
