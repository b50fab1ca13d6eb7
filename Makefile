# The two commands of the README: `make run` and `make test`. Both set up .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO ?= scenarios/minusma-north.yaml

.PHONY: run test lint typecheck pytest bench clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml $(BIN)/activate
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

run: $(VENV)/.installed
	$(BIN)/streamlit run app.py

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.installed
	$(BIN)/mypy medevac bench tests

pytest: $(VENV)/.installed
	$(BIN)/pytest

test: lint typecheck pytest

bench: $(VENV)/.installed
	$(BIN)/python bench/check.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
