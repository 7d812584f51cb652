# chibo_flow — the two commands are `make run` and `make test`.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Runtime pins (production installs only these) and the development tools, both with hashes.
REQUIREMENTS := requirements.txt requirements-dev.txt
# Records the pins the venv was installed from: pip runs again only when they change.
STAMP := $(VENV)/requirements.installed
PIP_COMPILE := $(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --strip-extras \
	--no-emit-index-url --no-emit-find-links
FLASK := $(BIN)/flask --app wsgi
# `make test` runs this many test processes side by side (pytest-xdist), each on its own
# databases and Redis db (TEST_REDIS_URL's number + 0, 1, …).
TEST_PROCESSES ?= 2

.PHONY: help run test lint format bench migrate requirements venv system-deps

help:
	@echo "make run            migrate, load the demo, run web + worker + beat + mailbox (Ctrl-C stops)"
	@echo "make test           the whole test suite on SQLite and PostgreSQL"
	@echo "make lint           ruff check and ruff format --check"
	@echo "make format         ruff format and ruff check --fix"
	@echo "make bench          the list page against bare Flask; approval and mail fan-out against"
	@echo "                    raw SMTP (PostgreSQL, Redis)"
	@echo 'make migrate m="…"  write a new Alembic revision from the models (review it by hand)'
	@echo "make requirements   re-pin requirements*.txt (with hashes) from requirements*.in, install"

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Python 3.11 or newer is needed")'
	$(PYTHON) -m venv $(VENV)

venv: system-deps $(BIN)/python
	@cat $(REQUIREMENTS) | cmp -s - $(STAMP) || { \
		$(BIN)/python -m pip install --quiet --disable-pip-version-check --require-hashes \
			$(addprefix -r ,$(REQUIREMENTS)) && cat $(REQUIREMENTS) > $(STAMP); }

system-deps:
	@PYTHON=$(PYTHON) scripts/system-deps

run: venv
	scripts/run-dev

test: venv
	$(BIN)/pytest -n $(TEST_PROCESSES) --durations=20

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
	$(PIP_COMPILE) --output-file=requirements.txt requirements.in
	$(PIP_COMPILE) --output-file=requirements-dev.txt requirements-dev.in
	$(MAKE) venv
