# The two set-up commands of the README are `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Tests spread over every core (each worker gets its own embedded server).
PYTEST_ARGS ?= -n auto

.PHONY: run test lint ui install lock clean

# Installs exactly what the lock file pins, every file checked against its hash; then the
# project itself (editable, with the build tools the lock file pinned), byte-compiled: where
# PYTHONDONTWRITEBYTECODE is set nothing caches it, and every CLI process would spend about
# 0.1 s compiling the package again (a fifth of a no-change `plan`).
$(STAMP): pyproject.toml requirements-dev.lock
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes -r requirements-dev.lock
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/python -m compileall -q schema_assets  # an editable install is not byte-compiled
	touch $(STAMP)

install: $(STAMP)

## Install everything, start the embedded database and run the main job.
run: $(STAMP)
	$(BIN)/schema-assets run

## Install everything and run lint, type checks + the whole test suite against real PostgreSQL.
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/pytest $(PYTEST_ARGS)

## Open the Dagster UI (webserver + daemon: sensors, automation, run queue) on the project.
ui: $(STAMP)
	mkdir -p .schema_assets/dagster && cp -n dagster.yaml .schema_assets/dagster/ || true
	DAGSTER_HOME=$(CURDIR)/.schema_assets/dagster VIRTUAL_ENV=$(CURDIR)/$(VENV) $(BIN)/dg dev

## Re-pin every dependency with hashes after changing pyproject.toml (requirements*.lock).
LOCK_FLAGS := --quiet --generate-hashes --no-strip-extras --allow-unsafe --no-emit-find-links \
	--no-emit-index-url --index-url https://pypi.org/simple
lock: $(STAMP)
	CUSTOM_COMPILE_COMMAND="make lock" $(BIN)/pip-compile $(LOCK_FLAGS) --build-deps-for wheel \
		-o requirements.lock pyproject.toml
	CUSTOM_COMPILE_COMMAND="make lock" $(BIN)/pip-compile $(LOCK_FLAGS) --extra dev \
		--build-deps-for editable -o requirements-dev.lock pyproject.toml

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

clean:
	rm -rf $(VENV) .schema_assets
