# Nagorik Sheba: `make dev` runs everything locally, `make test` runs every test tier.
# Every install step lives here, so a fresh machine needs nothing else.

SHELL := /bin/bash
# Python 3.13: Lambda no longer accepts new or updated python3.11 functions (blocked
# since 2026-08-31). pyenv's build is preferred to its shim, which only runs when selected.
PYTHON ?= $(firstword $(wildcard $(HOME)/.pyenv/versions/3.13*/bin/python3.13) \
          $(wildcard /usr/local/bin/python3.13 /usr/bin/python3.13) python3.13)
VENV := .venv
PY := $(CURDIR)/$(VENV)/bin/python
STAGE ?= dev
STAMP := $(VENV)/.installed

.PHONY: dev test test-fast fuzz soak bench package catalog pwa lint deps python-deps browser-deps node-deps clean

## dev: run the whole platform on loopback (moto, API, workers, web app); Ctrl-C stops it
dev: deps catalog pwa
	cd backend && $(PY) -m devtools.stack

## test: every tier (unit, functional, infra; the integration and browser tiers beside them)
# Three pytest processes on the machine's two cores: the browser tier (its tests share one
# stack and one built web app), the integration tier (each test starts servers and mostly
# waits on them) and the other three; the run fails if any does. The browser tier is the
# longest and uses about one core; the other two run at a lower priority (nice), so they
# take what it leaves rather than slowing it: the kernel shares the cores per thread, and
# Chromium's and the stacks' many threads otherwise starve one another.
NICE := nice -n 10
test: deps catalog pwa lint
	@set +e; cd $(CURDIR) && mkdir -p test-artifacts; \
	$(PY) -m pytest -p no:cacheprovider tests/browser > test-artifacts/browser-tier.log 2>&1 & \
	browser=$$!; \
	$(NICE) $(PY) -m pytest -p no:cacheprovider tests/integration > test-artifacts/integration-tier.log 2>&1 & \
	integration=$$!; \
	$(NICE) $(PY) -m pytest -p no:cacheprovider tests/unit tests/functional tests/infra; \
	rc=$$?; wait $$integration; irc=$$?; wait $$browser; brc=$$?; \
	echo "=== the integration tier (run beside the others; also in test-artifacts/integration-tier.log) ==="; \
	cat test-artifacts/integration-tier.log; \
	echo "=== the browser tier (run beside the others; also in test-artifacts/browser-tier.log) ==="; \
	cat test-artifacts/browser-tier.log; \
	for code in $$rc $$irc $$brc; do \
	  if [ $$code -eq 5 ]; then echo "pytest collected no tests: that is a failure here"; exit 1; fi; \
	done; \
	for code in $$rc $$irc $$brc; do \
	  if [ $$code -ne 0 ]; then exit $$code; fi; \
	done

## test-fast: unit and functional tiers only (no servers, no browser)
test-fast: python-deps catalog
	$(PY) -m pytest -p no:cacheprovider tests/unit tests/functional

## fuzz: generated requests against the running local API, 500 per operation (make test: 50)
fuzz: deps catalog pwa
	NAGORIK_FUZZ_EXAMPLES=500 $(PY) -m pytest -p no:cacheprovider tests/integration/test_api_fuzz.py

## soak: 50 clients, 5,000 applications through a lossy proxy to the local stack; counts loss
soak: deps catalog pwa
	cd backend && $(PY) -m devtools.soak

## bench: speed and size ratios measured side by side (prints figures, never fails the build)
bench: deps catalog pwa
	$(PY) bench/run.py

## package: deployable artifacts for STAGE=dev|staging|prod in build/$(STAGE)/
package: python-deps catalog
	$(PY) infra/package.py --stage $(STAGE)

## lint: ruff and mypy
lint: python-deps
	$(VENV)/bin/ruff check backend tests bench infra
	$(VENV)/bin/mypy backend/chalicelib

# The catalog and the web app are rebuilt only when something they are made from changed
# (a stamp in .make/ per build; a missing output forgets its stamp), so `make dev` starts
# at once, and a `make dev` that a test starts never rewrites files other tests read.
STAMPS := .make
CATALOG_SOURCES := $(shell find schemas backend/chalicelib backend/devtools -type f \
  \( -name '*.json' -o -name '*.py' \) -not -path 'backend/chalicelib/schemas/*' \
  -not -path '*/__pycache__/*' 2>/dev/null)
PWA_SOURCES := $(shell find pwa/src pwa/i18n pwa/public -type f 2>/dev/null) \
  pwa/index.html pwa/build.mjs
$(if $(wildcard backend/chalicelib/schemas/index.json pwa/.catalog/district-map.json),,$(shell rm -f $(STAMPS)/catalog))
$(if $(wildcard pwa/dist/index.html),,$(shell rm -f $(STAMPS)/pwa))

## catalog: check every schema and build the catalog the API and the web app read
catalog: $(STAMPS)/catalog

$(STAMPS)/catalog: $(STAMP) $(CATALOG_SOURCES)
	cd backend && $(PY) -m devtools.catalog_build --out chalicelib/schemas --out ../pwa/.catalog --geo-out ../pwa/.catalog/geo.json
	cd backend && $(PY) -m devtools.district_map --out ../pwa/.catalog/district-map.json
	@mkdir -p $(STAMPS) && touch $@

## pwa: build the web app into pwa/dist
pwa: $(STAMPS)/pwa

$(STAMPS)/pwa: $(STAMPS)/catalog pwa/node_modules/.installed $(PWA_SOURCES)
	cd pwa && npm run --silent build
	@mkdir -p $(STAMPS) && touch $@

deps: python-deps browser-deps node-deps

python-deps: $(STAMP)

$(STAMP): pyproject.toml backend/requirements.txt
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 13)' 2>/dev/null \
	  || { echo "Python 3.13 is required (found: $(PYTHON)); set PYTHON=/path/to/python3.13"; exit 1; }
	@if [ -x $(VENV)/bin/python ] && ! $(VENV)/bin/python -c 'import sys; assert sys.version_info[:2] == (3, 13)' 2>/dev/null; \
	  then echo "replacing $(VENV) (built with another Python)"; rm -rf $(VENV); fi
	[ -x $(VENV)/bin/python ] || $(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade 'pip<26.3'  # chalice 1.34 requires pip<26.3
	$(VENV)/bin/pip install --quiet -e '.[dev]'
	touch $@

## browser-deps: Debian's Chromium and Noto fonts (Bangla), installed once, as root
browser-deps:
	@if [ -x /usr/bin/chromium ] && dpkg -s fonts-noto-core >/dev/null 2>&1; then :; else \
	  if [ "$$(id -u)" != 0 ]; then echo "installing chromium and fonts-noto-core needs root"; exit 1; fi; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-core >/dev/null; \
	fi

node-deps: pwa/node_modules/.installed

pwa/node_modules/.installed: pwa/package.json pwa/package-lock.json
	cd pwa && npm ci --no-audit --no-fund --loglevel=error
	touch $@

clean:
	rm -rf $(VENV) pwa/node_modules pwa/dist build backend/chalicelib/schemas pwa/.catalog $(STAMPS)
