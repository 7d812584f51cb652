# chibo_flow — the two commands are `make run` and `make test`.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Records the requirements.txt the venv was installed from: pip runs again only when it changes.
STAMP := $(VENV)/requirements.installed
FLASK := $(BIN)/flask --app wsgi

.PHONY: help run test lint format bench migrate requirements venv system-deps

help:
	@echo "make run            migrate, load the demo, run web + worker + beat + mailbox (Ctrl-C stops)"
	@echo "make test           the whole test suite on SQLite and PostgreSQL"
	@echo "make lint           ruff check and ruff format --check"
	@echo "make format         ruff format and ruff check --fix"
	@echo "make bench          the list page against bare Flask; approval and mail fan-out against"
	@echo "                    raw SMTP (PostgreSQL, Redis)"
	@echo 'make migrate m="…"  write a new Alembic revision from the models (review it by hand)'
	@echo "make requirements   install requirements.in into the venv and re-pin requirements.txt"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11 or newer is needed")'
	$(PYTHON) -m venv $(VENV)

venv: system-deps $(BIN)/python
	@cmp -s requirements.txt $(STAMP) || { \
		$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt \
		&& cp requirements.txt $(STAMP); }

system-deps:
	@PYTHON=$(PYTHON) scripts/system-deps

run: venv
	scripts/run-dev

test: venv
	$(BIN)/pytest

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: venv
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: venv
	@PYTHON=$(PYTHON) scripts/system-deps wrk
	@status=0; $(BIN)/python -m bench.pages || status=1; \
		$(BIN)/python -m bench.fanout || status=1; exit $$status

migrate: venv
	@test -n "$(m)" || { echo 'usage: make migrate m="what changed"' >&2; exit 2; }
	mkdir -p instance
	$(FLASK) db upgrade
	$(FLASK) db migrate -m "$(m)"

requirements: venv
	$(BIN)/python -m pip install --quiet --disable-pip-version-check \
		-r requirements.in -c requirements.txt
	$(BIN)/python scripts/pin_requirements.py requirements.in > requirements.new
	mv requirements.new requirements.txt
	cp requirements.txt $(STAMP)
