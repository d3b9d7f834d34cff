#!/usr/bin/env bash
# The restore drill (docs/runbook.md): the demo on a PostgreSQL database of its own with its files and its
# archive storage's folder (ARCHIVE_ROOT), backed up with `manage.py backup`, restored with `manage.py
# restore` into a fresh database and folders, which
# compares the row count of every table, every file's checksum and the audit chain (verify_audit on the
# restored database) and fails on any difference. Then a backup with one flipped byte must be refused.
# Prints the figures: backup s, restore s, rows, files, archived files. Run by .ci/run; needs PostgreSQL at 127.0.0.1:5432.
set -euo pipefail
cd "$(dirname "$0")/.."

SOURCE=${RESTORE_DRILL_DB:-portal_drill_source}
TARGET=${SOURCE%_source}_restored
PG=(-h 127.0.0.1 -p 5432 -U postgres)
WORK=$(mktemp -d)
cleanup() {
  for db in "$SOURCE" "$TARGET"; do dropdb --if-exists "${PG[@]}" "$db" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$SOURCE" REDIS_URL="" DATABASE_REPLICA_URL=""
unset ARCHIVE_STORAGE_BACKEND ARCHIVE_STORAGE_OPTIONS # the archive storage: the folder ARCHIVE_ROOT
export MEDIA_ROOT="$WORK/media" ARCHIVE_ROOT="$WORK/archive"
export EMAIL_FILE_PATH="$WORK/mail" SMS_FILE_PATH="$WORK/sms/outbox.jsonl"

dropdb --if-exists "${PG[@]}" "$TARGET" 2>/dev/null
source scripts/demo_database.sh
demo_database "$SOURCE" "$MEDIA_ROOT" "$WORK/load_demo.log"
files=$(find "$MEDIA_ROOT" -type f | wc -l)
if [ "$files" -eq 0 ]; then
  echo "the demo stored no file under MEDIA_ROOT: the drill would prove nothing about files"
  exit 1
fi
# The demo has no dossier past its retention period, so nothing archived: one file put in the archive
# storage's folder (no row names it) makes the drill prove that tree's round trip too.
mkdir -p "$ARCHIVE_ROOT/drill"
echo "restore drill: a file of the archive storage" >"$ARCHIVE_ROOT/drill/archived-file.txt"
archived=$(find "$ARCHIVE_ROOT" -type f | wc -l)

ms() { date +%s%3N; }
start=$(ms)
.venv/bin/python manage.py backup --to "$WORK/backup" >"$WORK/backup.log" 2>&1 || {
  cat "$WORK/backup.log"
  exit 1
}
backup_ms=$(($(ms) - start))

start=$(ms)
status=0
.venv/bin/python manage.py restore --from "$WORK/backup" --jobs 2 \
  --database-url "postgres://postgres@127.0.0.1:5432/$TARGET" --media-root "$WORK/restored-media" \
  --archive-root "$WORK/restored-archive" >"$WORK/restore.log" 2>&1 || status=$?
restore_ms=$(($(ms) - start))
grep -v -E "pikepdf._core" "$WORK/restore.log"
if [ "$status" -ne 0 ]; then
  echo "restore drill FAILED: the restored database or files differ from the backup"
  exit 1
fi

# A corrupted backup must be refused before anything is written: one byte of the dump flipped.
cp -r "$WORK/backup" "$WORK/tampered"
.venv/bin/python - "$WORK/tampered/database.dump" <<'EOF'
import sys

with open(sys.argv[1], "r+b") as dump:
    dump.seek(dump.seek(0, 2) // 2)
    byte = dump.read(1)
    dump.seek(-1, 1)
    dump.write(bytes([byte[0] ^ 0xFF]))
EOF
if .venv/bin/python manage.py restore --from "$WORK/tampered" --database-url \
  "postgres://postgres@127.0.0.1:5432/${TARGET}_never" --media-root "$WORK/never" \
  --archive-root "$WORK/never-archive" >"$WORK/tampered.log" 2>&1; then
  echo "restore drill FAILED: a tampered dump was restored"
  exit 1
fi
grep -q "does not match its checksum" "$WORK/tampered.log" || {
  cat "$WORK/tampered.log"
  exit 1
}

rows=$(sed -n 's/^restored: [0-9]* tables, \([0-9,]*\) rows.*/\1/p' "$WORK/restore.log")
events=$(sed -n 's/^restored: .* rows, \([0-9,]*\) audit events.*/\1/p' "$WORK/restore.log")
restored_archived=$(sed -n 's/^restored: .* files ([^)]*), \([0-9,]*\) archived files.*/\1/p' "$WORK/restore.log")
if [ "${restored_archived//,/}" != "$archived" ]; then
  echo "restore drill FAILED: $archived archived files backed up, ${restored_archived:-none} restored"
  exit 1
fi
size=$(du -sh "$WORK/backup" | cut -f1)
printf 'restore drill passed: backup %d.%03d s, restore + verification %d.%03d s, %s rows, %s audit events, %d files, %d archived files, backup %s; a tampered dump was refused\n' \
  $((backup_ms / 1000)) $((backup_ms % 1000)) $((restore_ms / 1000)) $((restore_ms % 1000)) "$rows" "$events" "$files" \
  "$archived" "$size"
