# SOMA's everyday commands. `make run` and `make test` are the README quick start.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
SOMA_DATA_DIR ?= data
PYTEST_ARGS ?=

.PHONY: run setup test lint typecheck bench clean

$(BIN)/soma: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(BIN)/soma

setup: $(BIN)/soma
	SOMA_DATA_DIR=$(SOMA_DATA_DIR) $(BIN)/soma setup

run: setup
	SOMA_DATA_DIR=$(SOMA_DATA_DIR) $(BIN)/soma serve

test: $(BIN)/soma
	SOMA_DATA_DIR=.pytest-data $(BIN)/python -m pytest $(PYTEST_ARGS)
	$(BIN)/ruff check .
	SOMA_DATA_DIR=.pytest-data $(BIN)/mypy

typecheck: $(BIN)/soma
	SOMA_DATA_DIR=.pytest-data $(BIN)/mypy

lint: $(BIN)/soma
	$(BIN)/ruff check .

bench: $(BIN)/soma
	SOMA_DATA_DIR=.pytest-data $(BIN)/python -m bench

clean:
	rm -rf $(VENV) .pytest-data
