# Two commands on a fresh machine: `make demo` and `make test` (README).
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin

.PHONY: demo test lint bench clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

demo: $(BIN)/.installed
	$(BIN)/karta demo --out karta-demo

test: $(BIN)/.installed
	$(BIN)/ruff check .
	$(BIN)/mypy workflow registry documents commands web cli.py
	$(BIN)/pytest

bench: $(BIN)/.installed
	$(BIN)/python bench/bench_core.py
	$(BIN)/python bench/bench_documents.py
	$(BIN)/python bench/bench_audit.py

clean:
	rm -rf $(VENV) karta-demo .pytest_cache .hypothesis
