# Siaran: `make demo` runs the demo, `make test` runs the test suite.
# Both create the virtual environment and install what they need on first use.

VENV   ?= .venv
PYTHON ?= python3
BIN     = $(VENV)/bin
STAMP   = $(VENV)/.installed

.PHONY: demo test lint fuzz bench clean

demo: $(STAMP)
	$(BIN)/siaran demo

test: $(STAMP)
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

$(STAMP): pyproject.toml ops/requirements.lock ops/bootstrap.sh
	@sh ops/bootstrap.sh "$(PYTHON)" "$(VENV)"
	@touch $(STAMP)

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
