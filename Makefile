# Everything runs from the virtualenv in .venv/, created on first use.
PYTHON ?= python3.13
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install migrate run test lint format ci clean system-deps browser-deps bench cluster cluster-drill cluster-stop

$(STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/python manage.py migrate --noinput

run: migrate
	$(BIN)/python manage.py seed_demo --if-empty
	$(BIN)/python manage.py runserver 127.0.0.1:8000

test: install
	$(BIN)/python -m pytest

# Every system tool the suite needs beyond Python, by Debian package: Chromium, Java
# (vnu.jar) and npm for tests/browser/; HAProxy and Redis for the shared-cache test;
# Varnish and varnish-modules (vmod xkey) for the HTTP cache. As root on Debian,
# what is missing is installed; elsewhere this says what to install. Then the npm
# tools (`npm ci`). Without them `make test` skips those tests (CI=true fails them).
CHROMIUM ?= /usr/bin/chromium
XKEY_VMOD := $(wildcard /usr/lib/*/varnish/vmods/libvmod_xkey.so /usr/lib/varnish/vmods/libvmod_xkey.so)
system-deps:
	@missing=""; \
	test -x $(CHROMIUM) || missing="$$missing chromium"; \
	command -v java >/dev/null || missing="$$missing default-jre-headless"; \
	command -v npm >/dev/null || missing="$$missing npm"; \
	command -v haproxy >/dev/null || missing="$$missing haproxy"; \
	command -v redis-server >/dev/null || missing="$$missing redis-server"; \
	command -v varnishd >/dev/null || missing="$$missing varnish"; \
	test -n "$(XKEY_VMOD)" || missing="$$missing varnish-modules"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing; \
	  else echo "system-deps: please install$$missing (Debian package names), then re-run"; exit 1; fi; \
	fi
	@$(MAKE) -s --no-print-directory node_modules/.installed

# The former name, kept for scripts that call it.
browser-deps: system-deps

# --ignore-scripts: vnu-jar's install script would try to download a Java runtime.
node_modules/.installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	touch $@

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(BIN)/python manage.py makemigrations --check --dry-run

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

ci: lint test
	$(BIN)/python manage.py check
	$(BIN)/python manage.py collectstatic --noinput

# Benchmark on scratch PostgreSQL databases (see bench/run.py; BENCH_QUICK=1 for a short run).
bench: install
	command -v wrk >/dev/null || apt-get install -y wrk
	$(BIN)/python bench/run.py

# A scale-out cluster on this machine, loopback only (see cluster/ and README, Deployment):
# its own PostgreSQL primary and streaming replica, Redis, two app servers, HAProxy,
# and Varnish in front at 127.0.0.1:8080.
cluster: install system-deps
	$(BIN)/python -m cluster up

# Readers at 64 connections for five minutes while the cluster's pieces fail in turn.
cluster-drill: install
	$(BIN)/python -m cluster drill

# Stops what `make cluster` started and removes its databases; needs only Python.
cluster-stop:
	$(if $(wildcard $(BIN)/python),$(BIN)/python,$(PYTHON)) -m cluster stop

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache node_modules test-artifacts
