# wiredesk: the two commands of the README, and a few helpers.
#   make demo   set up, start Kafka and the worker, ingest the sample articles, show the output
#   make test   set up, then ruff and every test (unit and integration, on a real broker,
#               and the desk page in a headless Chromium)
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

CHROMIUM := /usr/bin/chromium

.PHONY: setup demo test stop clean unit browser

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

setup: $(STAMP)

demo: setup
	@bash deploy/demo.sh

# The desk page tests need Debian's Chromium (Playwright drives it; its own browser
# download is never used). Installed with apt-get when missing, as root or with
# password-less sudo; otherwise say how (under CI=true the tests then fail, not skip).
browser:
	@if [ -x $(CHROMIUM) ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then SUDO=""; \
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo"; \
	else echo "make: $(CHROMIUM) is missing and I cannot install it (not root, no sudo):"; \
	     echo "      run 'sudo apt-get install -y chromium' for the desk page tests."; exit 0; fi; \
	if ! command -v apt-get >/dev/null 2>&1; then \
	     echo "make: no apt-get here; install Chromium yourself for the desk page tests."; exit 0; fi; \
	echo "Installing Debian's chromium for the desk page tests"; \
	export DEBIAN_FRONTEND=noninteractive; \
	$$SUDO apt-get install -y -q chromium || \
	  { $$SUDO apt-get update -q && $$SUDO apt-get install -y -q chromium; }

test: setup browser
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -ra

unit: setup
	$(BIN)/python -m pytest -m "not integration" -q

stop:
	@bash deploy/demo.sh stop

clean: stop
	rm -rf .wiredesk
