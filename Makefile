# The two commands of the README: `make run` and `make test`. Both set up .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test lint typecheck pytest bench catalogue clean

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

# The gettext catalogues (docs/i18n.md): extract every word marked in medevac/ into the template
# medevac/locale/medevac.pot, then merge it into each language's .po (a new word comes in
# untranslated, a changed one fuzzy with its previous msgid, a removed one obsolete). Then
# translate the empty and fuzzy entries; tests/test_i18n.py fails until every one is done.
POT := medevac/locale/medevac.pot
catalogue: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg --no-location --sort-output --no-wrap --project medevac \
		--omit-header \
		-o $(POT) .
	$(BIN)/pybabel update -i $(POT) -d medevac/locale -D medevac --no-wrap --previous --ignore-pot-creation-date

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
