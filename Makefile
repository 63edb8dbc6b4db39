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

.PHONY: run test serve setup messages migrate demo bench clean

# A task worker runs beside the development server: batch exports and PDF prefetches need one.
run: setup migrate demo
	@echo "Starting the server on http://127.0.0.1:8000 and a task worker (Ctrl-C stops both)"
	$(PY) manage.py worker --no-reload --queue-name '*' & worker=$$!; \
	trap 'kill $$worker 2>/dev/null || true' EXIT INT TERM; \
	$(PY) manage.py runserver 127.0.0.1:8000

test: setup
	$(PY) -m pytest

# Production-style: gunicorn + task worker (see docs/deploy.md for the environment).
serve: setup
	bash scripts/serve.sh

setup: $(STAMPS)/system $(STAMPS)/venv messages

$(STAMPS)/system: scripts/system-packages.sh
	PYTHON=$(PYTHON) bash scripts/system-packages.sh
	@mkdir -p $(STAMPS) && touch $@

$(STAMPS)/venv: requirements.txt $(STAMPS)/system
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -r requirements.txt
	@mkdir -p $(STAMPS) && touch $@

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
