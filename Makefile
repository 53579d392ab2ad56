# Bordin's task runner. The README's two commands are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
# PyTorch lives only here, to build the opt-in triage transformer (ADR 0017).
BUILD_VENV := .venv-transformer-build
BUILD_STAMP := $(BUILD_VENV)/.installed-stamp
TRIAGE_TRANSFORMER_DIR ?= $(or $(BORDIN_TRIAGE_TRANSFORMER_DIR),$(or $(BORDIN_DATA_DIR),data)/triage-transformer)
PYTEST_ARGS ?=

.PHONY: run test check bench services browser install migration docs clean triage-model \
	triage-transformer test-triage-transformer

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

## Set everything up and serve the demo practice on http://127.0.0.1:8000 (embedded SQLite),
## with the job worker in the same process (Ctrl-C stops both).
run: $(STAMP)
	$(VENV)/bin/bordin serve --demo --with-worker

## Install everything the tests need (PostgreSQL, Chromium) and run the whole suite.
test: $(STAMP) services browser
	$(PY) -m pytest -n 2 --dist loadfile $(PYTEST_ARGS)

services:
	bash scripts/ensure-postgres.sh

browser:
	bash scripts/ensure-chromium.sh

## Lint and type-check the package.
check: $(STAMP)
	$(VENV)/bin/ruff check src tests bench
	$(VENV)/bin/ruff format --check src tests bench
	$(VENV)/bin/mypy

## Benchmarks; figures go to docs/performance.md by hand, with the command that made them.
bench: $(STAMP) services
	$(PY) bench/run_all.py

## Regenerate generated docs (instrument pages, triage and signal figures, CLI reference).
docs: $(STAMP)
	$(PY) -m bordin.docgen
	BORDIN_REGENERATE_DOCS=1 $(PY) -m pytest -q tests/docs/test_instrument_docs.py
	$(PY) -m bordin.analytics.triage_docs docs/triage.md
	$(PY) -m bordin.analytics.signal_evaluation --write docs/signals.md
	$(PY) -m bordin.demo.doc docs/demo-practice.md
	$(PY) -m bordin.reports.doc_sections docs/reports.md

## Refit the triage model from the labelled texts (same data, same bytes); see docs/triage.md.
triage-model: $(STAMP)
	$(PY) -m bordin.analytics.triage_model --write

$(BUILD_STAMP): pyproject.toml
	test -x $(BUILD_VENV)/bin/python || $(PYTHON) -m venv $(BUILD_VENV)
	$(BUILD_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(BUILD_VENV)/bin/python -m pip install --quiet -e ".[transformer-build,dev]"
	touch $(BUILD_STAMP)

## Build the opt-in transformer reader of the triage into $(TRIAGE_TRANSFORMER_DIR): fine-tune,
## choose thresholds on held-out writers, export to ONNX (about 45 minutes on two cores).
## Turn it on with BORDIN_TRIAGE_READER=transformer; see docs/triage.md.
triage-transformer: $(BUILD_STAMP)
	HF_HUB_OFFLINE=1 $(BUILD_VENV)/bin/python -m bordin.analytics.triage_transformer_build \
		$(TRIAGE_TRANSFORMER_DIR)

## The reduced rebuild tests of that reader (they need PyTorch, so make test skips them).
test-triage-transformer: $(BUILD_STAMP)
	HF_HUB_OFFLINE=1 $(BUILD_VENV)/bin/python -m pytest -q -p no:cacheprovider \
		tests/unit/analytics/test_triage_transformer_build.py

## Before the first release the schema lives in one initial migration; regenerate it here.
migration: $(STAMP)
	rm -f src/bordin/storage/migrations/versions/0001_initial_schema.py
	$(PY) scripts/regenerate_initial_migration.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache test-artifacts
