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

.PHONY: run test install install-dev system-deps migrate demo lint check bench worker clean

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

## make test: dev dependencies, ruff, manage.py check, makemigrations --check, pytest
test: system-deps lint check
	DEBUG=0 $(BIN)/pytest $(PYTEST_ARGS)

bench: install-dev
	DEBUG=0 $(BIN)/python -m benchmarks

worker: install
	$(BIN)/celery -A iom_cases worker --beat --loglevel=info

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
