# The two commands a newcomer needs: `make demo` and `make test`. Both create .venv from uv.lock on first use.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
# uv from PATH when there is one; otherwise pip installs it into .uv/, a small venv of its own.
UV := $(or $(shell command -v uv 2>/dev/null),.uv/bin/uv)
export PREFECT_HOME ?= $(CURDIR)/.prefect
export PREFECT_SERVER_ANALYTICS_ENABLED := false
export DO_NOT_TRACK := 1
export UV_PROJECT_ENVIRONMENT := $(VENV)

.PHONY: setup system-packages bytecode demo test test-fast lint typecheck unit unit-fast eval eval-metamorphic bench bench-hostile bench-national clean regions-data

setup: $(VENV)/.synced system-packages bytecode

# Debian packages: headless Chromium and a CJK font render `ingest report` (tests/test_report.py) and the pages of
# sources with render = "list"/"all" (tests/test_browser.py); nothing is downloaded at run time.
# Installed when missing, as root or through sudo, so that CI on a new machine has them; the tests never skip.
DEBIAN_PACKAGES := chromium fonts-noto-cjk
system-packages:
	@dpkg -s $(DEBIAN_PACKAGES) >/dev/null 2>&1 || { \
		SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(DEBIAN_PACKAGES); }

.uv/bin/uv:
	$(PYTHON) -m venv .uv
	.uv/bin/pip install --quiet 'uv==0.13.9'

$(VENV)/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --extra dask --extra analysis --python $(shell command -v $(PYTHON))
	touch $@

# Bytecode of the environment (once per sync) and of the project (each time; compileall skips what is up to date).
# Where PYTHONDONTWRITEBYTECODE is set, as on the machines this project runs on, Python never caches it on import,
# and every command compiled each module it imports again: half the CPU of a no-change `ingest run`
# (docs/cli_speed.md). Compiling here leaves that setting alone: it only stops imports writing.
bytecode: $(VENV)/.bytecode
	$(VENV)/bin/python -m compileall -q src flows bench eval tools
$(VENV)/.bytecode: $(VENV)/.synced
	$(VENV)/bin/python -m compileall -q -j 0 $(VENV)/lib
	touch $@

demo: setup
	$(VENV)/bin/ingest demo

# src/ingest/data/regions.csv and region_changes.csv, rebuilt from the packages of the regions-data group
# (docs/regions.md); the product itself needs neither package.
regions-data: setup
	$(UV) sync --frozen --extra dask --extra analysis --group regions-data
	$(VENV)/bin/python tools/regions_data.py

lint: setup
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .

typecheck: setup
	$(VENV)/bin/mypy

# `setup` compiles the environment and the project (the `bytecode` target); the suite's own modules (tests/, and
# pytest's rewritten asserts) are cached as the tests import them, which PYTHONDONTWRITEBYTECODE would forbid in
# each of the dozens of processes the suite starts. The cache is .gitignored.
unit unit-fast: export PYTHONDONTWRITEBYTECODE :=

# Two pytest-xdist workers per core (tests/conftest.py says how the workers stay apart): the suite spends much of its
# time waiting on sockets, servers and the processes it starts. On 2 cores, one worker per core kept them 59% busy
# (pytest 293 s for 346 CPU-s); two per core took 222 s.
TEST_WORKERS ?= $(shell echo $$((2 * $$(nproc))))
unit: setup
	$(VENV)/bin/pytest -n $(TEST_WORKERS)

test: lint typecheck unit

# The inner loop: unit, golden and loopback tests, single loads included; no Prefect server, no Chromium, no killed
# processes, no wheel, and not the storage layer's long tests (under 60 s).
unit-fast: setup
	$(VENV)/bin/pytest -q -n $(TEST_WORKERS) -m "not prefect and not slow and not browser and not storage"

test-fast: lint typecheck unit-fast

# The gold documents rewritten as unseen documents differ (eval/metamorphic.py), with the rows lost or invented.
eval-metamorphic: setup
	$(VENV)/bin/python -m eval.metamorphic -v

# The real corpus (eval/corpus, protocol in eval/GOLD.md) first: it writes eval/results/latest.json.
eval: setup
	$(VENV)/bin/python -m eval.corpus_eval
	$(VENV)/bin/python -m eval.clean_eval
	$(VENV)/bin/python -m eval.sections_eval
	$(VENV)/bin/python -m eval.metrics_eval
	$(VENV)/bin/python -m eval.metamorphic

# Results go to bench/results/; `make bench N=10000` is the large run (view latency and memory at 10,000 documents).
# Views at national size: `.venv/bin/python -m bench.view_scale --documents 100000`.
N ?= 1000
# It ends with the public views' latency on a synthetic warehouse of 10,000 documents (bench/view_scale.py; issue
# 18 holds them under 100 ms), written into the run's results as view_latency_ms_10k.
bench: setup
	$(VENV)/bin/python -m bench.run --pages $(N)
	$(VENV)/bin/python -m bench.view_scale --documents 10000 --merge-into bench/results/n$(N).json \
		--merge-into bench/results/latest.json

# Issue 19's hostile run: every hostile mode of one demo site beside a good one; writes bench/results/hostile.json.
bench-hostile: setup
	$(VENV)/bin/python -m bench.hostile

# Issue 14's national run: SITES portals on loopback (300 by default; SITES=20 for a quick look), each at 2 requests/s,
# backfilled, run again unchanged, and backfilled one after another; writes bench/results/national.json. The view
# latencies at 100,000 documents are merged into it by bench.view_scale. BASELINE=DIR keeps the one-after-another
# backfill (about 90 minutes at 300 sites) in DIR and reuses it next time for the same sites.
SITES ?= 300
bench-national: setup
	$(VENV)/bin/python -m bench.national --sites $(SITES) $(if $(BASELINE),--baseline $(BASELINE))
	$(VENV)/bin/python -m bench.view_scale --documents 100000 --merge-into bench/results/national.json

clean:
	rm -rf $(VENV) .uv .prefect .pytest_cache .mypy_cache .ruff_cache
