# Köpkraft: `make run` serves the app with demo data; `make test` runs every test. Both set up from scratch.
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
PYTHON ?= python3
# This machine's pip configuration names local mirrors that may be absent; their warnings are noise.
QUIET_PIP := 2>&1 | { grep -v "^WARNING: Location 'file:" || true; }
VENV := .venv
BIN := $(VENV)/bin
RUNTIME_STAMP := $(VENV)/.installed-runtime
DEV_STAMP := $(VENV)/.installed-dev
SECRET_FILE := instance/secret_key
# The local secret key is made once and kept in instance/ (never committed); production sets SECRET_KEY.
FLASK := SECRET_KEY="$${SECRET_KEY:-$$(cat $(SECRET_FILE))}" $(BIN)/flask --app app
HOST ?= 127.0.0.1
PORT ?= 5000
# Links in e-mails and the calendar feed point where `make run` serves (PORT=8080 make run: port 8080).
BASE_URL ?= http://$(HOST):$(PORT)
export BASE_URL
# Sweden's procurement statistics (Statistikdatabasen exports), imported by `make run` when the folder exists.
STATISTICS_DIR ?= ../shared/data
# Python keeps compiled modules (__pycache__) even where the environment says not to (some machines set
# PYTHONDONTWRITEBYTECODE=1): without them every process compiles the app and its libraries from source again,
# 5.5 s instead of 1.9 s to start the app, and the tests start many (gunicorn, the worker, `flask` commands).
unexport PYTHONDONTWRITEBYTECODE

.PHONY: run test lint format install install-dev translations migrate seed bench screenshot clean

# The pinned packages are installed with uv (PyPI's uv: about 4 s where pip takes 25 s); pip does it when uv
# cannot be had or fails (no network to PyPI, say).
INSTALL = $(BIN)/pip install --quiet uv $(QUIET_PIP) && $(BIN)/uv pip install --quiet --python $(BIN)/python -r $(1) \
	|| $(BIN)/pip install --quiet -r $(1) $(QUIET_PIP)

# What running needs; the test and lint tools only for `make test` and friends (one install either way).
$(RUNTIME_STAMP): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(call INSTALL,requirements.txt)
	touch $(RUNTIME_STAMP)

$(DEV_STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(call INSTALL,requirements-dev.txt)
	touch $(RUNTIME_STAMP) $(DEV_STAMP)

install: $(RUNTIME_STAMP)

install-dev: $(DEV_STAMP)

$(SECRET_FILE):
	mkdir -p instance
	$(PYTHON) -c "import secrets; print(secrets.token_urlsafe(48))" > $(SECRET_FILE)
	chmod 600 $(SECRET_FILE)

translations: $(RUNTIME_STAMP)
	$(BIN)/pybabel compile -d translations -D messages

migrate: install translations $(SECRET_FILE)
	$(FLASK) db upgrade

seed: migrate
	$(FLASK) seed-demo
	@if ls $(STATISTICS_DIR)/*.xlsx >/dev/null 2>&1; then \
	  echo "Importing the procurement statistics in $(STATISTICS_DIR) (about 20 s the first time; files imported before are skipped)"; \
	  $(FLASK) statistics import --skip-known $(STATISTICS_DIR)/*.xlsx; \
	else echo "No procurement statistics in $(STATISTICS_DIR): discovery and pooled purchasing power start empty."; fi

run: seed
	@echo ""
	@echo "  Köpkraft runs at http://$(HOST):$(PORT)/  (Ctrl+C stops it)"
	@echo "  Demo accounts, all with password demo-password-1:"
	@echo "    admin@example.org, facilitator@example.org, facilitator2@example.org, manager@example.org,"
	@echo "    buyer@example.org, buyer2@example.org"
	@echo ""
	@echo "  A background worker runs beside it (uploads and large imports are done there); its scheduled tasks"
	@echo "  (sending e-mail, reminders, purges) are left out here."
	@echo "  E-mail is not sent from here: read it as admin under Administration > E-postkö"
	@echo "  (http://$(HOST):$(PORT)/admin/e-post), invitation and password links included."
	@echo ""
	$(FLASK) worker --no-tasks & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT; \
	SESSION_COOKIE_SECURE=0 $(FLASK) run --host $(HOST) --port $(PORT)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports --no-cache

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Two workers (the machines have two cores); each gets its own SQLite file and PostgreSQL schema. Tests are
# handed out a few at a time and an idle worker takes over a busy one's (worksteal): the slow browser and
# real-data tests no longer leave one worker finishing a whole file alone (250 → 210 s here). The 25 slowest
# tests are listed at the end, to show where the time goes.
# mypy (15 s on one core from cold) checks the types while the tests start: the run fails if either does.
test: install-dev translations
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/mypy & types=$$!; \
	$(BIN)/python -m pytest -n 2 --dist worksteal --durations=25; tests=$$?; \
	wait $$types; types=$$?; \
	if [ $$types -ne 0 ]; then echo "mypy found type errors" >&2; fi; \
	exit $$(( tests != 0 ? tests : types ))

bench: install-dev translations
	$(BIN)/python bench/pages.py

# Refresh the message catalogue after changing user-visible text.
extract: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -o translations/messages.pot .
	$(BIN)/pybabel update -i translations/messages.pot -d translations --no-fuzzy-matching

clean:
	rm -rf $(VENV) instance/*.sqlite* .pytest_cache .ruff_cache .mypy_cache
