# Two commands do all the set-up on a fresh clone: `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
HOST   ?= 127.0.0.1
PORT   ?= 8000

.PHONY: run test build validate serve clean

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

test: $(STAMP)
	$(BIN)/python -m pytest -q

clean:
	rm -rf build/kg.nq build/store build/report build/cache $(VENV)
