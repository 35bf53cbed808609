# The two commands of the README: `make run` and `make test`. Each creates .venv if needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DATA_DIR ?= .statewright
PORT ?= 4590

.PHONY: run test lint typecheck bench clean screenshots fuzz

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

# The wire fuzzer for longer than `make test` runs it (bounded in count and time; a finding
# prints its seed: FUZZ_SEED=<seed> replays it). See docs/reliability.md.
FUZZ_REQUESTS ?= 20000
FUZZ_SECONDS ?= 300
fuzz: $(VENV)/.test-deps
	STATEWRIGHT_FUZZ_REQUESTS=$(FUZZ_REQUESTS) STATEWRIGHT_FUZZ_SECONDS=$(FUZZ_SECONDS) \
		$(if $(FUZZ_SEED),STATEWRIGHT_FUZZ_SEED=$(FUZZ_SEED)) $(BIN)/python -m pytest tests/fuzz -s

lint: $(VENV)/.test-deps
	$(BIN)/ruff check src tests

bench: $(BIN)/statewright bench/install_peers.sh
	bash bench/install_peers.sh
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) build *.egg-info src/*.egg-info

# Regenerates the console screenshots in docs/images/.
screenshots: $(VENV)/.test-deps $(VENV)/.browser
	STATEWRIGHT_SCREENSHOTS=1 $(BIN)/python -m pytest tests/console/test_screenshots.py
