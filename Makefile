# One command runs it, one command tests it; both build their own environment first.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: run test test-fast lint bench screenshots install clean

$(STAMP): pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[all,dev]"
	touch $(STAMP)

install: $(STAMP)

run: $(STAMP)
	$(VENV)/bin/loginkit up

test: $(STAMP)
	$(PY) -m ruff check src tests
	$(PY) -m mypy
	$(VENV)/bin/lint-imports
	$(PY) -m pytest -q

test-fast: $(STAMP)
	$(PY) -m pytest -q -m "not slow"

lint: $(STAMP)
	$(PY) -m ruff check src tests
	$(PY) -m mypy
	$(VENV)/bin/lint-imports

screenshots: $(STAMP)
	LOGINKIT_SCREENSHOTS_DIR=$(CURDIR)/docs/img $(PY) -m pytest -q -m browser tests/pages

bench: $(STAMP)
	bash bench/run.sh

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
