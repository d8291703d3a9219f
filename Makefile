# civiclab: the two commands a newcomer needs are `make demo` and `make test`.
# Everything goes through `make install`, which builds .venv from constraints.txt, so a machine
# with only python3, pip and make is enough.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
# Parallel workers for `make test`; `make test WORKERS=0` runs in one process.
WORKERS ?= 2

.PHONY: install demo test e2e lint bench

# The console script doubles as the "installed" stamp; it is rebuilt when dependencies change.
$(BIN)/civiclab: pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -c constraints.txt -e ".[test]"
	touch $(BIN)/civiclab

install: $(BIN)/civiclab

demo: install
	$(BIN)/civiclab demo --port $(PORT)

# The whole suite except the browser tests. pytest exits 5 when it collects nothing; make
# treats that as the failure it is.
test: install
	$(BIN)/pytest -m "not e2e" -n $(WORKERS)

# Browser tests: Playwright driving Debian's Chromium (/usr/bin/chromium).
e2e: install
	$(BIN)/pytest -m e2e tests/e2e

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/lint-imports

# Benchmarks print their figures; bench/README.md (when present) records them.
bench: install
	@set -e; found=0; \
	for script in bench/*_bench.py bench/bench_*.py; do \
		[ -e "$$script" ] || continue; found=1; \
		echo "== $$script"; $(BIN)/python "$$script"; \
	done; \
	if [ -e bench/__main__.py ]; then found=1; $(BIN)/python -m bench; fi; \
	[ "$$found" = 1 ] || { echo "No benchmarks found in bench/"; exit 1; }
