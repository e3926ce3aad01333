# The two set-up commands of the README are `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Tests spread over every core (each worker gets its own embedded server).
PYTEST_ARGS ?= -n auto

.PHONY: run test lint ui install clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

## Install everything, start the embedded database and run the main job.
run: $(STAMP)
	$(BIN)/schema-assets run

## Install everything and run lint + the whole test suite against real PostgreSQL.
test: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/pytest $(PYTEST_ARGS)

## Open the Dagster UI on the project's definitions.
ui: $(STAMP)
	mkdir -p .schema_assets/dagster && cp -n dagster.yaml .schema_assets/dagster/ || true
	DAGSTER_HOME=$(CURDIR)/.schema_assets/dagster $(BIN)/dagster dev -w workspace.yaml

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

clean:
	rm -rf $(VENV) .schema_assets
