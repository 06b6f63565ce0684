# Two commands on a fresh machine: `make demo` and `make test` (README).
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin

LOCK = requirements.lock
# pip-tools resolves the lock; it runs in a venv of its own so karta's set stays exact
PIP_TOOLS = pip-tools==7.7.0

.PHONY: demo test lint bench clean chromium office lock

# Installs exactly the committed lock (exact versions, every file checked by its hash), then
# karta itself without resolving anything: a fresh machine gets the set CI tested.
$(BIN)/.installed: pyproject.toml $(LOCK)
	@echo "make: создаю окружение $(VENV) и устанавливаю karta с зависимостями из $(LOCK) (1–3 мин.)…"
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --require-hashes --no-deps -r $(LOCK)
	$(BIN)/python tests/lockfile.py || { echo "make: $(LOCK) не совпадает с pyproject.toml: выполните make lock"; exit 1; }
	$(BIN)/pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/pip check
	$(BIN)/python -m compileall -q cli.py commands registry documents workflow web
	@touch $@
	@echo "make: окружение готово"

demo: $(BIN)/.installed
	@echo "make: демонстрация karta в папке karta-demo…"
	$(BIN)/karta demo --out karta-demo

# The browser tests drive the system's Chromium (Playwright never downloads one); in CI,
# where they must not be skipped, it is installed here when missing.
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  echo "make: Chromium not found: installing chromium and fonts-liberation with apt-get for the browser tests"; \
	  (apt-get update -qq && apt-get install -y -qq chromium fonts-liberation) >/dev/null \
	  || echo "make: could not install Chromium; the browser tests will be skipped (and fail in CI)"; }

# .doc, .odt and .rtf roadmaps are read through LibreOffice; its tests must run in CI too.
# PDF batches go through one warm LibreOffice (unoserver), whose server needs LibreOffice's
# own Python module uno: Debian's python3-uno, for the system's python3.
office:
	@{ command -v soffice >/dev/null 2>&1 && /usr/bin/python3 -c "import uno" >/dev/null 2>&1; } || { \
	  echo "make: LibreOffice or its Python module (uno) not found: installing libreoffice-writer and python3-uno with apt-get (a few minutes)"; \
	  (apt-get update -qq && apt-get install -y -qq --no-install-recommends libreoffice-writer python3-uno fonts-liberation) >/dev/null \
	  || echo "make: could not install LibreOffice; its tests will be skipped (and fail in CI)"; }

test: $(BIN)/.installed chromium office
	@echo "make: проверка стиля (ruff)…"
	$(BIN)/ruff check .
	@echo "make: проверка типов (mypy)…"
	$(BIN)/mypy workflow registry documents commands web cli.py
	@echo "make: проверка слоёв (import-linter)…"
	$(BIN)/lint-imports
	@echo "make: тесты (pytest на всех ядрах; с PostgreSQL, браузером и LibreOffice — около 8 мин. на 2 ядрах)…"
	$(BIN)/pytest -n auto

bench: $(BIN)/.installed office
	$(BIN)/python bench/bench_core.py
	$(BIN)/python bench/bench_documents.py
	$(BIN)/python bench/bench_audit.py
	$(BIN)/python bench/bench_writers.py
	$(BIN)/python bench/bench_listings.py
	$(BIN)/python bench/bench_web.py
	$(BIN)/python bench/bench_pdf.py
	$(BIN)/python bench/bench_import.py
	$(BIN)/python bench/bench_indicators.py

# A deliberate refresh of the lock (review the diff and commit it on its own): what
# pyproject.toml now declares, keeping the versions already locked; `make lock UPGRADE=1`
# takes the newest versions its ranges admit. Every file with its hash.
lock:
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/pip install --quiet "$(PIP_TOOLS)"
	.lock-venv/bin/pip-compile --quiet $(if $(UPGRADE),--upgrade) --extra test --generate-hashes --allow-unsafe \
	  --all-build-deps --strip-extras --no-emit-index-url --no-emit-find-links \
	  -o $(LOCK) pyproject.toml
	.lock-venv/bin/pip install --quiet packaging
	.lock-venv/bin/python tests/lockfile.py --stamp
	rm -rf .lock-venv

clean:
	rm -rf $(VENV) karta-demo .pytest_cache .hypothesis
