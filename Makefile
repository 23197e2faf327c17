# wiredesk: the two commands of the README, and a few helpers.
#   make demo   set up, start Kafka and the worker, ingest the sample articles, show the output
#   make test   set up, then ruff and every test (unit and integration, on a real broker)
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: setup demo test stop clean unit

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

setup: $(STAMP)

demo: setup
	@bash deploy/demo.sh

test: setup
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -ra

unit: setup
	$(BIN)/python -m pytest -m "not integration" -q

stop:
	@bash deploy/demo.sh stop

clean: stop
	rm -rf .wiredesk
