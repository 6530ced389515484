# Two commands set everything up on a fresh clone: `make generate` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: generate check validate lint typecheck test serve mock verify bench bench-smoke corpus docs-corpus clean golden

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $@

generate: $(STAMP)
	$(BIN)/stubforge generate

check: $(STAMP)
	$(BIN)/stubforge check

# Rewrite the golden records (tests/golden/out/) from their specs; review and commit the diff.
golden: $(STAMP)
	$(BIN)/python -m tests.golden

validate: $(STAMP)
	$(BIN)/stubforge validate

# `tests` includes the golden records (tests/golden/out/): ruff and mypy --strict check them too.
lint: $(STAMP)
	$(BIN)/ruff check generator generated reference tests tools bench
	$(BIN)/ruff format --check generator generated reference tests tools bench
	$(BIN)/mypy generator generated reference tools bench tests

# The user-level cache (compiled templates) stays inside the project while testing.
test: lint
	STUBFORGE_CACHE_DIR=$(CURDIR)/.stubforge-cache/user $(BIN)/stubforge check
	$(BIN)/python -m pytest

corpus: $(STAMP)
	$(BIN)/python -m tools.corpus

# Every page of ../shared/graph/docs/api imported, generated and round-tripped (~5 minutes):
# writes corpus/docs-results.md.
docs-corpus: $(STAMP)
	$(BIN)/python -m stubforge.graphdocs.corpus

# Accepts only the bearer token in TOKEN (`TOKEN=... make serve`); without it, a random one
# is made and printed once.
serve: $(STAMP)
	$(BIN)/uvicorn reference.app:app --host $(HOST) --port $(PORT)

# The generated server answering the spec's documented examples (no implementation needed).
mock: $(STAMP)
	$(BIN)/stubforge mock --host $(HOST) --port $(PORT)

# generated/ against every documented exchange of the spec, served by reference/app.py.
verify: $(STAMP)
	TOKEN=stubforge-verify-token $(BIN)/stubforge verify --impl reference.app:implementation

# Side by side with the peers (installed into bench/.venv-peers), ~10 minutes: writes
# bench/results.md, .json and .png. Never part of `make test`.
bench: $(STAMP)
	$(BIN)/python -m bench.run

# Our side only, tiny counts, a few seconds: the benchmark code still runs.
bench-smoke: $(STAMP)
	$(BIN)/python -m bench.run --smoke --results-dir bench/work/smoke

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
