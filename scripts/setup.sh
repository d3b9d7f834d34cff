#!/usr/bin/env bash
# Sets up a fresh Debian machine for the portal: Debian packages (WeasyPrint's Pango, Vietnamese fonts,
# gettext, chromium for browser tests), a virtualenv with the project's dependencies, the database.
# Safe to run again: each step is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(python3-venv libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-core
  fonts-dejavu-core fonts-liberation2 gettext poppler-utils chromium)
PYTHON=${PYTHON:-python3}

source scripts/support.sh
debian_packages "${APT_PACKAGES[@]}"

if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
stamp=.venv/.installed
# Every version as requirements.lock says (`make lock` writes it): the same environment on every machine.
if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ requirements.lock -nt "$stamp" ]; then
  .venv/bin/pip install -q --upgrade pip
  .venv/bin/pip install -q -c requirements.lock ".[dev]"
  touch "$stamp"
fi

mkdir -p var
.venv/bin/python manage.py compilemessages -v0 --ignore=.venv
.venv/bin/python manage.py migrate -v0
.venv/bin/python manage.py collectstatic -v0 --noinput
