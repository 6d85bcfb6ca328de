# Everything a person does twice. `make demo` and `make test` are the two that matter.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
UV := .tools/bin/uv
VENV := .venv
BIN := $(VENV)/bin
DATA_DIR ?= var
PORT ?= 8000
export UV_PYTHON_DOWNLOADS := never
export DATA_DIR

.PHONY: demo serve migrate worker test test-py chromium softhsm lint format typecheck openapi client frontend \
	bench bench-read bench-load bench-spa clean fuzz

# --- bootstrap: a local uv, then the locked Python environment and the npm packages ---
$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check "uv==0.13.9"

$(VENV)/.synced: pyproject.toml uv.lock | $(UV)
	$(UV) sync --frozen --quiet
	touch $@

frontend/node_modules/.installed: frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund --loglevel=error
	touch $@

FRONTEND_SOURCES := $(shell find frontend/src frontend/index.html frontend/vite.config.* -type f 2>/dev/null)
frontend/dist/index.html: frontend/node_modules/.installed openapi.yaml $(FRONTEND_SOURCES)
	cd frontend && npm run --silent gen:api && npm run --silent build

frontend: frontend/dist/index.html

# --- the product with demo data (embedded PostgreSQL unless DATABASE_URL is set) ---
demo: $(VENV)/.synced frontend/dist/index.html
	SPA_DIR=frontend/dist $(BIN)/healthplan demo --port $(PORT)

serve: $(VENV)/.synced
	$(BIN)/healthplan serve --port $(PORT)

# Schema to the latest migration; the job worker (imports, reminders, e-mail). Both use
# DATABASE_URL, or the embedded PostgreSQL under DATA_DIR when it is unset.
migrate: $(VENV)/.synced
	$(BIN)/healthplan migrate

worker: $(VENV)/.synced
	$(BIN)/healthplan worker

# --- checks: everything CI runs ---
# pytest uses TEST_DATABASE_URL, else the server on 127.0.0.1:5432 if one answers, else the
# embedded PostgreSQL in var/test-pg (tests/conftest.py).
test: chromium softhsm lint typecheck frontend
	cd frontend && npm run --silent typecheck
	$(BIN)/pytest

test-py: $(VENV)/.synced chromium softhsm
	$(BIN)/pytest

# Debian's Chromium for the browser tests: apt-get as root, else the command to run.
chromium:
	scripts/ensure-chromium

# Debian's SoftHSM2 for the PKCS#11 tests (a token in software): the same way.
softhsm:
	scripts/ensure-softhsm

lint: $(VENV)/.synced
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(VENV)/.synced
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

typecheck: $(VENV)/.synced
	$(BIN)/mypy

# The contract and the SPA's typed client generated from it.
openapi: $(VENV)/.synced
	$(BIN)/healthplan openapi

client: openapi frontend/node_modules/.installed
	cd frontend && npm run --silent gen:api

clean:
	rm -rf .tools $(VENV) frontend/node_modules frontend/dist

# Benchmarks print their figures; they are not tests and never fail on a slow machine.
bench: $(VENV)/.synced
	$(BIN)/python benchmarks/import_bench.py $(BENCH_ARGS)

# Roll-up, DHIS2 export and incremental pull over 13 M values (its own database).
bench-read: $(VENV)/.synced
	$(BIN)/python benchmarks/read_bench.py $(BENCH_ARGS)

# The load mix of issue 7; exits 1 only on errors or lost/duplicated writes, never on slowness.
bench-load: $(VENV)/.synced
	$(BIN)/python benchmarks/load_bench.py $(BENCH_ARGS)

# The SPA over a slow link (issue 20): cold and warm load times in Chromium throttled to 400 ms
# and ~50 KB/s, and the built files' sizes (raw, gzip, brotli). Goals: login < 3 s, report < 4 s.
bench-spa: $(VENV)/.synced frontend/dist/index.html
	$(BIN)/python benchmarks/spa_bench.py $(BENCH_ARGS)

# Deeper contract fuzzing than CI's default (15 examples per operation and caller).
fuzz: $(VENV)/.synced
	FUZZ_EXAMPLES=$${FUZZ_EXAMPLES:-200} $(BIN)/pytest tests/test_fuzz.py
