# Lentera — the two commands for a fresh machine are `make run` and `make test`.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
PORT ?= 8501
export LENTERA_DATA_DIR ?= data
WAREHOUSE := $(or $(LENTERA_WAREHOUSE),$(LENTERA_DATA_DIR)/warehouse.duckdb)

.PHONY: install run serve test lint bench sample warehouse clean

install: $(STAMP)

# Exactly the tested versions from requirements.lock, then the project itself (editable).
$(STAMP): pyproject.toml requirements.lock
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.lock
	$(PY) -m pip install --quiet --no-deps -e .
	@touch $(STAMP)

# The sample warehouse, only when there is none. Exit 1 of `load` means "loaded, some rows
# rejected" — the sample is deliberately messy, so that is expected.
warehouse: install
	@if [ ! -f "$(WAREHOUSE)" ]; then \
	  echo "No warehouse at $(WAREHOUSE): generating sample data and loading it"; \
	  $(PY) -m etl sample --out $(LENTERA_DATA_DIR)/raw && \
	  { $(PY) -m etl load --raw $(LENTERA_DATA_DIR)/raw --db "$(WAREHOUSE)"; rc=$$?; [ $$rc -le 1 ]; }; \
	fi

run: warehouse
	$(PY) -m streamlit run serve.py --server.port $(PORT)

# Production on one machine: LENTERA_PROCESSES app processes (default one per core) behind
# Debian's nginx on LENTERA_PORT (default 8080). See README "Run in production" and deploy/.
serve: warehouse
	$(PY) -m lentera.serving

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

test: install lint
	$(PY) -m pytest

# BENCH_ARGS="--quick" for a small run; "--only pages,crowd" for some sections (python -m bench -h)
bench: install
	$(PY) -m bench $(BENCH_ARGS)

clean:
	rm -rf $(LENTERA_DATA_DIR)/raw $(WAREHOUSE) .pytest_cache
