# `make run` and `make test` do all set-up themselves; every step is skipped when already done.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMPS := .make
# 1.0 stays loaded (its campaigns stay scorable); 1.1 is the latest, used by new campaigns and the demo.
FRAMEWORKS := fixtures/framework/innovation-readiness-1.0.yaml fixtures/framework/innovation-readiness-1.1.yaml
PO := $(wildcard locale/*/LC_MESSAGES/django.po)
MO := $(PO:.po=.mo)

.PHONY: run test serve setup messages migrate demo bench clean check format lock lock-upgrade audit

# A task worker runs beside the development server: batch exports and PDF prefetches need one.
run: setup migrate demo
	@echo "Starting the server on http://127.0.0.1:8000 and a task worker (Ctrl-C stops both)"
	$(PY) manage.py worker --no-reload --queue-name '*' & worker=$$!; \
	trap 'kill $$worker 2>/dev/null || true' EXIT INT TERM; \
	$(PY) manage.py runserver 127.0.0.1:8000

# Two workers (pytest-xdist): each has its own test database, Redis database, var/ folder and ports
# (tests/conftest.py). PYTEST_WORKERS=0 runs in one process.
PYTEST_WORKERS ?= 2
test: setup
	$(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadgroup

# Production-style: gunicorn + task worker (see docs/deploy.md for the environment).
serve: setup
	bash scripts/serve.sh

setup: $(STAMPS)/system $(STAMPS)/venv messages

$(STAMPS)/system: scripts/system-packages.sh
	PYTHON=$(PYTHON) bash scripts/system-packages.sh
	@mkdir -p $(STAMPS) && touch $@

# Installs exactly the lock (hashes checked): requirements-dev.txt is production's lock plus tests and tools.
# Production machines install requirements.txt the same way (docs/deploy.md).
$(STAMPS)/venv: requirements.txt requirements-dev.txt $(STAMPS)/system
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check --require-hashes -r requirements-dev.txt
	@mkdir -p $(STAMPS) && touch $@

# --- dependencies -----------------------------------------------------------------------------
# Edit requirements.in (production) or requirements-dev.in (tests, tools), then `make lock`: it
# pins what the ranges allow, keeping every pin that still fits, with hashes. `make lock-upgrade`
# moves every pin to the newest version the ranges allow. Commit the .in and .txt files together.
UV_COMPILE = $(PY) -m uv pip compile --quiet --generate-hashes --python-version 3.11 --custom-compile-command "make lock"
lock: $(STAMPS)/venv
	$(UV_COMPILE) requirements.in -o requirements.txt
	$(UV_COMPILE) requirements-dev.in -o requirements-dev.txt

lock-upgrade: $(STAMPS)/venv
	$(UV_COMPILE) --upgrade requirements.in -o requirements.txt
	$(UV_COMPILE) --upgrade requirements-dev.in -o requirements-dev.txt

# Known vulnerabilities in the locked versions (pip-audit; needs PyPI's advisory data: without
# network it says so and skips, AUDIT_REQUIRED=1 makes that a failure).
audit: $(STAMPS)/venv
	PY=$(PY) bash scripts/audit.sh

# --- quality gate -------------------------------------------------------------------------------
# Lint, types, migrations in step with the models, translation catalogues, audit, formatting
# (last: `make format` fixes it, and the other findings are worth seeing first).
check: $(STAMPS)/venv
	$(PY) -m ruff check .
	$(PY) -m mypy .
	env -u DATABASE_URL $(PY) manage.py makemigrations --check --dry-run
	for po in $(PO); do msgfmt --check -o /dev/null $$po || exit 1; done
	$(MAKE) --no-print-directory audit
	$(PY) -m ruff format --check --output-format concise .

# Applies the formatter and the safe lint fixes.
format: $(STAMPS)/venv
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

messages: $(MO)

%.mo: %.po $(STAMPS)/venv
	msgfmt --check -o $@ $<

migrate: setup
	$(PY) manage.py migrate --noinput
	for f in $(FRAMEWORKS); do $(PY) manage.py load_framework $$f || exit 1; done

demo: migrate
	$(PY) manage.py seed_demo

clean:
	rm -rf $(STAMPS) $(VENV) db.sqlite3 staticfiles $(MO)
