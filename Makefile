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
PROMETHEUS := /usr/bin/prometheus

.PHONY: setup demo test stop clean unit browser prometheus reliability

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

# The metrics test starts Debian's Prometheus on a free loopback port of its own.
# Installed like Chromium; the package's own service (port 9090) is stopped and disabled
# where systemd runs it, since nothing here uses it.
prometheus:
	@if [ -x $(PROMETHEUS) ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then SUDO=""; \
	elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then SUDO="sudo"; \
	else echo "make: $(PROMETHEUS) is missing and I cannot install it (not root, no sudo):"; \
	     echo "      run 'sudo apt-get install -y prometheus' for the metrics test."; exit 0; fi; \
	if ! command -v apt-get >/dev/null 2>&1; then \
	     echo "make: no apt-get here; install Prometheus yourself for the metrics test."; exit 0; fi; \
	echo "Installing Debian's prometheus for the metrics test"; \
	export DEBIAN_FRONTEND=noninteractive; \
	$$SUDO apt-get install -y -q prometheus || \
	  { $$SUDO apt-get update -q && $$SUDO apt-get install -y -q prometheus; }; \
	if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then \
	  $$SUDO systemctl disable --now prometheus prometheus-node-exporter >/dev/null 2>&1 || true; fi

test: setup browser prometheus
	$(BIN)/ruff check .
	$(BIN)/python -m pytest -ra -m "not soak"

# The reliability suite (docs/reliability.md): kills, broker loss, the three-broker
# cluster, fuzzing, and the 10-minute steady soak that `make test` leaves out.
reliability: setup
	$(BIN)/python -m pytest -ra -s -m "reliability or soak" tests/integration tests/property

unit: setup
	$(BIN)/python -m pytest -m "not integration" -q

stop:
	@bash deploy/demo.sh stop

clean: stop
	rm -rf .wiredesk
