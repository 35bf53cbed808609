# The two commands of the README: `make run` and `make test`. Each creates .venv if needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DATA_DIR ?= .statewright
PORT ?= 4590

.PHONY: run test lint typecheck bench chaos clean screenshots

$(BIN)/statewright: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.test-deps: $(BIN)/statewright
	$(BIN)/pip install -q -e '.[test]'
	touch $@

run: $(BIN)/statewright
	$(BIN)/statewright serve --port $(PORT) --data-dir $(DATA_DIR)

$(VENV)/.browser: $(VENV)/.test-deps scripts/install-browser.sh
	bash scripts/install-browser.sh $(BIN)
	touch $@

test: $(VENV)/.test-deps $(VENV)/.browser
	$(BIN)/ruff check src tests
	$(BIN)/mypy src/statewright
	$(BIN)/python -m pytest

lint: $(VENV)/.test-deps
	$(BIN)/ruff check src tests

bench: $(BIN)/statewright bench/install_peers.sh
	bash bench/install_peers.sh
	$(BIN)/python bench/run.py

# Kill the server at random moments under load, restart it, check the invariants (bench/chaos.py).
chaos: $(VENV)/.test-deps
	$(BIN)/python bench/chaos.py $(CHAOS_ARGS)

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info

# Regenerates the console screenshots in docs/images/.
screenshots: $(VENV)/.test-deps $(VENV)/.browser
	STATEWRIGHT_SCREENSHOTS=1 $(BIN)/python -m pytest tests/console/test_screenshots.py
