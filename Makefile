# critmin: two commands do all the set-up on a fresh machine.
#   make run   - create .venv, install critmin, assess the built-in dataset (tables + out/assessment.html)
#   make test  - install the dev extras (and Chromium, fonts, poppler-utils where missing), run ruff and pytest
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
DEVSTAMP := $(VENV)/.installed-dev

.PHONY: run test lint bench clean chromium

# Packages are installed with uv (pip-installed into the venv first): it resolves the same
# versions as pip but downloads and unpacks in parallel: 41 s for the dev extras on a cold
# cache against 106 s for pip with a warm one (2 cores). Bytecode is compiled at install, as
# pip does. uv reads PyPI and not pip's own configuration (pip.conf, PIP_INDEX_URL): where uv
# cannot be installed or fails, pip installs instead, with that configuration.
INSTALL = if $(BIN)/python -m pip install --quiet --disable-pip-version-check "uv>=0.4" && \
	  $(BIN)/uv pip install --quiet --python $(BIN)/python --compile-bytecode $(1); then :; \
	else echo "uv failed: installing with pip"; $(BIN)/python -m pip install --quiet $(1); fi

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml
	$(call INSTALL,-e .)
	touch $@

$(DEVSTAMP): $(STAMP)
	$(call INSTALL,-e ".[dev]")
	touch $@

run: $(STAMP)
	mkdir -p out
	$(BIN)/critmin --db out/critmin.duckdb assess --html out/assessment.html

lint: $(DEVSTAMP)
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench

# The dashboard's browser tests and the report's PDF need a Chromium, fonts for every script a
# report may print (zh-Hans, zh-Hant, ja, ko: WenQuanYi Zen Hei; ar, fa: Amiri; hi: Lohit
# Devanagari; ru, uk: DejaVu) and poppler-utils (pdffonts, pdftotext, for the PDF tests):
# each is installed from Debian only where fc-list / command -v finds it missing. Noto fonts
# (fonts-noto-cjk, fonts-noto-core), when present, count as well.
FONT_CHECKS := \
  'WenQuanYi Zen Hei|Noto Sans CJK|Noto Serif CJK=fonts-wqy-zenhei' \
  'Amiri|Noto Sans Arabic|Noto Naskh Arabic|Vazirmatn=fonts-hosny-amiri' \
  'Lohit Devanagari|Noto Sans Devanagari=fonts-lohit-deva' \
  'DejaVu Sans|Noto Sans=fonts-dejavu-core'

chromium:
	@need=""; \
	command -v chromium >/dev/null 2>&1 || need="$$need chromium"; \
	command -v pdffonts >/dev/null 2>&1 || need="$$need poppler-utils"; \
	families="$$(fc-list : family 2>/dev/null)"; \
	for check in $(FONT_CHECKS); do \
	  pattern="$${check%%=*}"; package="$${check##*=}"; \
	  printf '%s\n' "$$families" | grep -qiE "$$pattern" || need="$$need $$package"; \
	done; \
	if [ -z "$$need" ]; then \
	  echo "chromium: $$(command -v chromium); poppler-utils and fonts for every script present"; \
	else \
	  echo "missing:$$need: apt-get update && apt-get install -y --no-install-recommends$$need"; \
	  apt-get update && apt-get install -y --no-install-recommends $$need; \
	fi

test: $(DEVSTAMP) lint chromium
	CRITMIN_REQUIRE_BROWSER=1 $(BIN)/python -m pytest -q -n auto --maxprocesses 4 --dist loadgroup --durations=25

bench: $(DEVSTAMP)
	@for b in bench/*.py; do echo "== $$b"; $(BIN)/python $$b || exit 1; done

clean:
	rm -rf $(VENV) out .pytest_cache .ruff_cache build src/*.egg-info
