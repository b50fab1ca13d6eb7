# The two commands of the README: `make run` and `make test`. Both set up .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint typecheck pytest bench clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

# The app needs medevac and its dependencies only; the test tools come with `make test`.
$(VENV)/.app-installed: pyproject.toml $(BIN)/activate
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed: pyproject.toml $(BIN)/activate
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

run: $(VENV)/.app-installed
	$(BIN)/streamlit run app.py

lint: $(VENV)/.installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(VENV)/.installed
	$(BIN)/mypy medevac bench tests scripts app.py app_layers.py app_robustness.py app_optimise.py app_mission.py app_library.py app_conditions.py

pytest: $(VENV)/.installed
	$(BIN)/pytest

test: lint typecheck pytest

# Benchmarks: not part of the tests; each prints ratios against its baseline (bench/README.md).
bench: $(VENV)/.installed
	$(BIN)/python bench/check.py
	$(BIN)/python bench/roads.py
	$(BIN)/python bench/coverage_grid.py
	$(BIN)/python bench/app_whatif.py
	$(BIN)/python bench/variants.py
	$(BIN)/python bench/robustness.py
	$(BIN)/python bench/optimise.py

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
