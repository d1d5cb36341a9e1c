# Two commands: `make demo` and `make test`. Both create .venv when missing and are quick once set up.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: demo venv test test-core wheel-smoke lint format bench clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "AI PRISM needs Python 3.11 or newer: make PYTHON=python3.11 …")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Stamps depend on pyproject.toml: changed dependencies are installed again; nothing else is redone.
BUILD_INPUTS := pyproject.toml

$(VENV)/.installed-core: $(BUILD_INPUTS) | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	@touch $@

$(VENV)/.installed-dev: $(BUILD_INPUTS) | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev,postgres]'
	@touch $@ $(VENV)/.installed-core

demo: $(VENV)/.installed-core
	$(BIN)/prism demo

# The development environment alone (.ci/run starts its Ray cluster from it before `make test`).
venv: $(VENV)/.installed-dev

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts
	$(BIN)/mypy

format: $(VENV)/.installed-dev
	$(BIN)/ruff format src tests bench scripts
	$(BIN)/ruff check --fix src tests bench scripts

test: lint
	$(BIN)/python -m pytest

# The core must work without optional extras: a second environment with only the core and test tools.
CORE_VENV ?= .venv-core
$(CORE_VENV)/.installed: $(BUILD_INPUTS)
	@test -x $(CORE_VENV)/bin/python || $(PYTHON) -m venv $(CORE_VENV)
	$(CORE_VENV)/bin/python -m pip install --quiet -e '.[test]'
	@touch $@

test-core: $(CORE_VENV)/.installed
	$(CORE_VENV)/bin/python -m pytest -q

# The package as users install it: the wheel alone in a fresh virtual environment, outside the checkout,
# runs `prism --version`, `prism demo` and `prism serve` (editable installs hide a file the wheel lacks).
wheel-smoke:
	PYTHON=$(PYTHON) scripts/wheel_smoke.sh

bench: $(VENV)/.installed-dev
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/enrich.py
	$(BIN)/python bench/enrich_scale.py  # skipped without PRISM_TEST_DATABASE_URL and PRISM_RAY_ADDRESS
	$(BIN)/python bench/topics.py
	$(BIN)/python bench/brief.py
	$(BIN)/python bench/scale.py
	$(BIN)/python bench/readers.py
	$(BIN)/python bench/web_load.py
	$(BIN)/python bench/cli.py

clean:
	rm -rf $(VENV) $(CORE_VENV) prism-demo build dist .pytest_cache .mypy_cache .ruff_cache
