# The two commands of the README: `make run` and `make test`. Each creates .venv if needed.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DATA_DIR ?= .statewright
PORT ?= 4590

.PHONY: run test lint typecheck bench chaos clean screenshots token fuzz

$(BIN)/statewright: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.test-deps: $(BIN)/statewright
	$(BIN)/pip install -q -e '.[test]'
	touch $@

# The task-management app (app/template.yaml) on the local runtime. Its token-signing secret is
# made once in DATA_DIR/app-secret (docs/app.md); the demo users' tokens are printed first. Once the
# server answers, app/scripts/deploy_web.py puts the web app (app/web/) into the stack's WebBucket
# and prints its URL, the WebUrl output (docs/webapp.md).
run: $(BIN)/statewright
	@mkdir -p $(DATA_DIR)
	@echo "Demo users of the task app (send 'Authorization: Bearer <token>'; more: make token USER=<name> ROLE=<role>):"
	@$(BIN)/python app/scripts/sign_token.py --demo --data-dir $(DATA_DIR) > $(DATA_DIR)/demo-users.txt
	@sed 's/^/  /' $(DATA_DIR)/demo-users.txt
	@$(BIN)/python app/scripts/deploy_web.py --endpoint http://127.0.0.1:$(PORT) --wait 120 \
		--demo-users $(DATA_DIR)/demo-users.txt & \
	$(BIN)/statewright serve --template app/template.yaml --port $(PORT) --data-dir $(DATA_DIR) \
		--parameter-overrides JwtSecret=$$($(BIN)/python app/scripts/sign_token.py --print-secret --data-dir $(DATA_DIR))

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
		STATEWRIGHT_FUZZ_RANDOM=1 $(if $(FUZZ_SEED),STATEWRIGHT_FUZZ_SEED=$(FUZZ_SEED)) $(BIN)/python -m pytest tests/fuzz -s

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

# Regenerates the console and web app screenshots in docs/images/.
screenshots: $(VENV)/.test-deps $(VENV)/.browser
	STATEWRIGHT_SCREENSHOTS=1 $(BIN)/python -m pytest tests/console/test_screenshots.py tests/webapp/test_screenshots.py

# A bearer token for the task-management app served from DATA_DIR (the signing secret is created
# there once, as DATA_DIR/app-secret; see docs/app.md). Usage: make token USER=alice ROLE=requester
token:
	@test -n "$(USER)" -a -n "$(ROLE)" || { echo "usage: make token USER=<name> ROLE=requester|approver|admin [DATA_DIR=<dir>]" >&2; exit 2; }
	@$(PYTHON) app/scripts/sign_token.py --user "$(USER)" --role "$(ROLE)" --data-dir "$(DATA_DIR)"
