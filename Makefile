# Siaran: `make demo` runs the demo, `make test` runs the test suite.
# Both create the virtual environment and install what they need on first use.

VENV   ?= .venv
PYTHON ?= python3
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed

.PHONY: demo test lint fuzz bench clean messages

demo: $(STAMP)
	$(BIN)/siaran demo

test: $(STAMP)
	@sh ops/chromium.sh
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache
	$(BIN)/pytest -q

# The API fuzzed at length (make test runs the same with a few examples per operation).
FUZZ_EXAMPLES ?= 300
fuzz: $(STAMP)
	SIARAN_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) $(BIN)/pytest -q tests/web/test_fuzz.py

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports --no-cache

bench: $(STAMP)
	@for b in $(filter-out bench/__init__.py bench/soaklib.py,$(wildcard bench/*.py)); do \
		echo "== $$b"; $(BIN)/python $$b --quick || exit 1; done

# The console's strings: add the new ones to the Indonesian catalogue (then translate every
# empty msgstr; tests/web/console/test_catalogue.py checks).
messages: $(STAMP)
	$(BIN)/python -m orchestrator.web.console.catalogue

$(STAMP): pyproject.toml ops/requirements.lock ops/bootstrap.sh
	@sh ops/bootstrap.sh "$(PYTHON)" "$(VENV)"
	@touch $(STAMP)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
