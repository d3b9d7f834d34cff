# The README's commands. Everything they need is installed by scripts/setup.sh.
PY := .venv/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
# The one origin of every absolute link the portal sends (SMS, email, the slips' QR codes, the payment
# gateway's return address): the address `make run` serves, unless SITE_URL is set in the environment.
SITE_URL ?= http://$(HOST):$(PORT)

.PHONY: run test test-e2e test-all setup demo lint typecheck format messages clean worker beat bench-http

run: setup demo
	@echo "Portal at http://$(HOST):$(PORT)  (Ctrl-C to stop)"
	SITE_URL=$(SITE_URL) $(PY) manage.py runserver --noreload $(HOST):$(PORT)

# The production shape's background processes (REDIS_URL set): one worker consumes every queue.
worker:
	.venv/bin/celery -A portal worker --loglevel INFO -Q default,notifications,postal,national_sync

beat:
	.venv/bin/celery -A portal beat --loglevel INFO --schedule var/celerybeat-schedule

test: setup
	.venv/bin/pytest -m "not e2e" -q -n auto

test-e2e: setup
	.venv/bin/pytest -m e2e -q -n 2

test-all: test test-e2e

setup:
	@bash scripts/setup.sh

demo:
	SITE_URL=$(SITE_URL) $(PY) manage.py load_demo

lint:
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

# mypy with django-stubs over each app's models, services, selectors, policies and hooks (the `files` of
# [tool.mypy] in pyproject.toml); its cache is var/mypy_cache.
typecheck: setup
	.venv/bin/mypy

format:
	.venv/bin/ruff format .
	.venv/bin/ruff check --fix .

messages:
	$(PY) manage.py makemessages -l vi -l en --ignore=.venv --ignore=var --no-obsolete
	$(PY) manage.py makemessages -d djangojs -l vi -l en --ignore=.venv --ignore=var --ignore=static/vendor
	$(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf var

# The pages over HTTP beside their ceilings, on a year of dossiers in PostgreSQL (bench/README.md).
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/portal_bench
bench-http: setup
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) bench/http_pages.py
