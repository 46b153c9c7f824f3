# The two commands a newcomer needs: `make demo` and `make test`. Both create .venv from uv.lock on first use.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
UV := $(VENV)/.uv/bin/uv
export PREFECT_HOME ?= $(CURDIR)/.prefect
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export DO_NOT_TRACK := 1
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: setup demo test lint typecheck unit eval bench clean

setup: $(VENV)/.synced

# uv itself lives in its own small venv, so a machine needs nothing but python3 and pip.
$(UV):
	$(PYTHON) -m venv $(VENV)/.uv
	$(VENV)/.uv/bin/pip install --quiet 'uv==0.13.9'

$(VENV)/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --python $(shell command -v $(PYTHON))
	touch $@

demo: setup
	$(VENV)/bin/ingest demo

lint: setup
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .

typecheck: setup
	$(VENV)/bin/mypy

unit: setup
	$(VENV)/bin/pytest

test: lint typecheck unit

eval: setup
	$(VENV)/bin/python -m eval.clean_eval
	$(VENV)/bin/python -m eval.sections_eval
	$(VENV)/bin/python -m eval.metrics_eval

clean:
	rm -rf $(VENV) .prefect .pytest_cache .mypy_cache .ruff_cache
