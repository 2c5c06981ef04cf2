# Upstream's front door. `make help` lists every target.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
UV_VERSION := 0.13.8
POSTGRES_URL ?= postgres://postgres@127.0.0.1:5432/test
export UPSTREAM_DATA_DIR ?= $(CURDIR)/var
STAMP := $(VENV)/.installed

.PHONY: help install assets messages extract-messages run demo test test-sqlite test-spark test-postgres test-browser lint format bench lock clean

help: ## List the targets
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-17s %s\n", $$1, $$2}'

$(STAMP): requirements/dev.txt package-lock.json pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(BIN)/uv pip sync --quiet --python $(BIN)/python --require-hashes requirements/dev.txt
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps --editable .
	npm ci --no-audit --no-fund --loglevel=error
	@touch $(STAMP)

install: $(STAMP) assets messages ## Install Python and front-end dependencies into .venv and node_modules
	@echo "Installed. Run 'make run' to start the demo."

assets: $(STAMP) ## Copy GOV.UK Frontend, htmx, Leaflet and Vega from node_modules into static/vendor
	$(BIN)/python scripts/build_assets.py

messages: $(STAMP) ## Compile the Welsh translations
	$(BIN)/pybabel -q compile -D django -d src/upstream/locale

BABEL_KEYWORDS := -k _ -k gettext -k gettext_lazy -k ngettext:1,2 -k ngettext_lazy:1,2 -k pgettext:1c,2 -k pgettext_lazy:1c,2
extract-messages: $(STAMP) ## Extract translatable strings and update the Welsh catalogue (then translate the new ones)
	$(BIN)/pybabel -q extract -F babel.cfg $(BABEL_KEYWORDS) --no-location --sort-output -o src/upstream/locale/django.pot src/upstream
	@test -f src/upstream/locale/cy/LC_MESSAGES/django.po || $(BIN)/pybabel -q init -D django -l cy -i src/upstream/locale/django.pot -d src/upstream/locale
	$(BIN)/pybabel -q update --no-fuzzy-matching --ignore-obsolete -D django -i src/upstream/locale/django.pot -d src/upstream/locale

demo: install ## Load the demo force (idempotent, deterministic)
	$(BIN)/upstream migrate --no-input
	$(BIN)/upstream demo

run: install ## Install everything, load the demo force and serve http://127.0.0.1:$(PORT)
	$(BIN)/upstream migrate --no-input
	UPSTREAM_DEMO_MODE=1 $(BIN)/upstream demo --print-logins
	@echo "Serving Upstream on http://127.0.0.1:$(PORT) with a background worker (Ctrl-C stops both)"
	@trap 'kill 0' EXIT INT TERM; \
	  UPSTREAM_DEMO_MODE=1 $(BIN)/upstream db_worker --queue-name '*' --no-reload >> $(UPSTREAM_DATA_DIR)/worker.log 2>&1 & \
	  UPSTREAM_DEMO_MODE=1 $(BIN)/gunicorn upstream.wsgi --bind 127.0.0.1:$(PORT) \
	    --workers 2 --threads 4 --access-logfile - --log-level warning

test: install ## Run the whole suite: SQLite, Spark, PostgreSQL, the browser, then lint
	@SECONDS=0; $(MAKE) --no-print-directory test-sqlite test-spark test-postgres test-browser lint \
	  && echo "make test: everything passed in $$((SECONDS / 60)) min $$((SECONDS % 60)) s"

test-sqlite: install ## The suite on SQLite (two workers; Spark and browser tests apart)
	$(BIN)/pytest -n 2 -m "not browser and not spark" tests

test-spark: install ## The analytics that must give the same answer on Spark (one local-mode JVM)
	$(BIN)/pytest -m "spark and not browser" tests

test-postgres: install ## The suite on PostgreSQL ($(POSTGRES_URL))
	DATABASE_URL=$(POSTGRES_URL) $(BIN)/pytest -n 2 -m "not browser and not spark" tests

test-browser: install ## Browser tests: Playwright driving Debian chromium, with axe-core
	$(BIN)/pytest -m browser tests

lint: install ## ruff, ruff format, mypy, import-linter, and Django's checks
	$(BIN)/ruff check src tests scripts benchmarks
	$(BIN)/ruff format --check src tests scripts benchmarks
	$(BIN)/lint-imports
	$(BIN)/mypy
	$(BIN)/upstream makemigrations --check --dry-run

format: install ## Format the code
	$(BIN)/ruff format src tests scripts
	$(BIN)/ruff check --fix src tests scripts

bench: install ## Run the benchmarks and print the figures for docs/benchmarks.md
	$(BIN)/python -m benchmarks

lock: ## Re-pin requirements/*.txt with hashes from requirements/*.in
	$(BIN)/uv pip compile --quiet --python-version 3.11 --generate-hashes requirements/base.in -o requirements/base.txt
	$(BIN)/uv pip compile --quiet --python-version 3.11 --generate-hashes -c requirements/base.txt requirements/base.in requirements/dev.in -o requirements/dev.txt

clean: ## Remove the virtualenv, node_modules, built assets and the data folder
	rm -rf $(VENV) node_modules src/upstream/static/vendor var
