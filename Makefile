# The two commands of the README: `make run` and `make test`. Everything else is a helper.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
export DEBUG ?= 1
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test install install-dev system-deps migrate demo lint check audit bench worker clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(DEV_STAMP): pyproject.toml $(STAMP)
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

install: $(STAMP)
install-dev: $(DEV_STAMP)

migrate: install
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py demo

## make run: install, migrate, load demo data once, serve on http://$(HOST):$(PORT)
run: demo
	@echo "Serving on http://$(HOST):$(PORT)/  (Ctrl-C to stop)"
	$(BIN)/python manage.py runserver $(HOST):$(PORT)

system-deps:
	bash scripts/system-deps.sh

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

check: install-dev
	DEBUG=0 $(BIN)/python manage.py check --settings=iom_cases.settings_test
	DEBUG=0 $(BIN)/python manage.py makemigrations --check --dry-run --settings=iom_cases.settings_test

## make audit: pip-audit over what we ship (fails on a known vulnerability, only warns when the
## service is out of reach: scripts/pip_audit.py), bandit over our code ([tool.bandit])
audit: install-dev
	$(BIN)/python scripts/pip_audit.py
	@# bandit warns "nosec encountered … but no failed test" for each part of a justified line.
	set -o pipefail; $(BIN)/bandit -c pyproject.toml -r . -q \
	  --severity-level medium --confidence-level medium 2>&1 | { grep -v "nosec encountered" || true; }

## make test: dev dependencies, ruff, manage.py check, makemigrations --check, audit, pytest
test: system-deps lint check audit
	DEBUG=0 $(BIN)/pytest $(PYTEST_ARGS)

bench: install-dev
	DEBUG=0 $(BIN)/python -m benchmarks

worker: install
	$(BIN)/celery -A iom_cases worker --beat --loglevel=info

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
