# The README's two commands: `make decks` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: decks test lint bench clean

decks: $(VENV)/.installed
	$(BIN)/ankigen build notes -o dist

test: $(VENV)/.test-installed
	$(BIN)/ruff check ankigen tests bench
	$(BIN)/ruff format --check ankigen tests bench
	$(BIN)/mypy
	$(BIN)/pytest -q

bench: $(VENV)/.installed
	$(BIN)/python -m bench

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(VENV)/.installed: pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install -q -e .
	touch $@

$(VENV)/.test-installed: pyproject.toml | $(VENV)/bin/python
	$(BIN)/python -m pip install -q -e '.[test]'
	touch $(VENV)/.installed $@

clean:
	rm -rf $(VENV) dist .pytest_cache .mypy_cache .ruff_cache
