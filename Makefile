# Two commands do all the set-up on a fresh clone: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test lint build validate serve clean browser

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

build: $(STAMP)
	$(BIN)/kg build --corpus corpus --out build

validate: $(STAMP)
	$(BIN)/kg validate --out build

run: build
	$(BIN)/kg serve --out build --host $(HOST) --port $(PORT)

serve: $(STAMP)
	$(BIN)/kg serve --out build --host $(HOST) --port $(PORT)

test: $(STAMP) browser
	$(BIN)/python -m pytest -q

lint: $(STAMP)
	$(BIN)/ruff check src tests bench bench/run

# Chromium for the screenshot tests (tests/test_html.py), from the OS packages where
# apt-get is usable; elsewhere those tests skip and say why.
browser:
	@command -v chromium >/dev/null 2>&1 || { command -v apt-get >/dev/null 2>&1 && [ "$$(id -u)" = 0 ] && \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium) >/dev/null 2>&1; } || \
	  echo "make: Chromium is not installed; the screenshot tests will skip"

clean:
	rm -rf build/kg.nq build/store build/report build/cache $(VENV)
