# critmin: two commands do all the set-up on a fresh machine.
#   make run   - create .venv, install critmin, assess the built-in dataset (tables + out/assessment.html)
#   make test  - install the dev extras (and Chromium where missing), run ruff and pytest
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEVSTAMP := $(VENV)/.installed-dev

.PHONY: run test lint bench clean chromium

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $@

$(DEVSTAMP): $(STAMP)
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

run: $(STAMP)
	mkdir -p out
	$(BIN)/critmin --db out/critmin.duckdb assess --html out/assessment.html

lint: $(DEVSTAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

# The dashboard's browser tests need a Chromium: installed from Debian where it is missing.
chromium:
	@if command -v chromium >/dev/null 2>&1; then \
	  echo "chromium: $$(command -v chromium)"; \
	else \
	  echo "chromium is missing: apt-get update && apt-get install -y --no-install-recommends chromium"; \
	  apt-get update && apt-get install -y --no-install-recommends chromium; \
	fi

test: $(DEVSTAMP) lint chromium
	CRITMIN_REQUIRE_BROWSER=1 $(BIN)/python -m pytest -q -n auto --maxprocesses 4 --dist loadgroup --durations=25

bench: $(DEVSTAMP)
	@for b in bench/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) out .pytest_cache .ruff_cache build src/*.egg-info
