# `make audit` and `make test` bootstrap .venv from nothing (only python3 needed).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: audit test bench parse snapshots clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $(STAMP)

audit: $(STAMP)
	$(BIN)/auditor audit reports_examples/ --fail-on never

parse: $(STAMP)
	$(BIN)/auditor parse reports_examples/ --format summary

test: $(STAMP)
	$(BIN)/python -m pytest -q

bench: $(STAMP)
	$(BIN)/python bench/bench_parse.py
	$(BIN)/python bench/make_corpus.py
	$(BIN)/python bench/bench_audit.py

snapshots: $(STAMP)
	$(BIN)/python -m tests.snapshots

clean:
	rm -rf $(VENV) build *.egg-info
