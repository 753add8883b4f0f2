# Meritportfölj: `make run` serves the app with demo data, `make test` runs the whole suite.
# Both set up everything they need on a fresh machine.

PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app wsgi
PORT ?= 5000
WORKERS ?= 2
STAMP := $(VENV)/.installed
CATALOGUES := $(wildcard eportfolio/translations/*/LC_MESSAGES/messages.po)

.DEFAULT_GOAL := help
.PHONY: help install run serve setup-db test test-fast test-postgres test-e2e browser lint format bench i18n clean

help: ## List what you can run
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip setuptools wheel

$(STAMP): pyproject.toml | $(VENV)/bin/python
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

install: $(STAMP) ## Create .venv and install the project with its test tools
	@$(VENV)/bin/pybabel compile -d eportfolio/translations --use-fuzzy --statistics >/dev/null

setup-db: install ## Apply migrations and load seed taxonomy and demo data (idempotent)
	$(FLASK) db upgrade
	$(FLASK) demo load
	$(FLASK) matching store-fits

run: setup-db ## Serve the app with demo data on http://127.0.0.1:$(PORT)
	@echo "Meritportfölj on http://127.0.0.1:$(PORT) (demo password in README.md)"
	$(VENV)/bin/gunicorn --bind 127.0.0.1:$(PORT) --workers $(WORKERS) --access-logfile - wsgi:app

test: install browser ## Run the whole suite (SQLite; PostgreSQL too when TEST_DATABASE_URL is set)
	$(PY) -m tests.run

browser: ## Install Debian's chromium for the browser tests if it is missing (as root, with apt)
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "Installing Debian's chromium for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else \
	    echo "No /usr/bin/chromium, and no root to install it: the browser tests will be skipped"; \
	  fi; \
	fi

test-fast: install ## Unit and web tests on SQLite only, no browser
	$(PY) -m pytest -q -n 2 -m "not e2e" tests

test-e2e: install browser ## Browser tests (Playwright + Debian chromium)
	$(PY) -m pytest -q -m e2e tests/e2e

lint: install ## ruff, and mypy --strict on the pure libraries
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy --strict taxonomy matching

format: install ## Format the code with ruff
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

bench: install ## Benchmarks (JSON on stdout); see bench/README.md
	$(PY) -m pip install --quiet -e '.[test,bench]'
	$(PY) bench/matching.py --sizes 10000

i18n: install ## Extract messages and update the sv/en catalogues
	$(FLASK) i18n update

clean: ## Remove the virtualenv and caches (keeps instance/ data)
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache *.egg-info
