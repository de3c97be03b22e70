# Gridbook. The two commands a newcomer needs: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | md5sum | cut -c1-12)
ENGINE := tests/e2e/engine
PYTEST_ARGS ?=

.PHONY: run test lint format check-messages messages test-faults worker bench clean help venv engine vendor-static screenshots

help:
	@echo "make run          set up and start Gridbook on http://0.0.0.0:$${PORT:-8000}/ (demo data)"
	@echo "make test         set up and run lint + the test suite"
	@echo "make test-faults  run the slow fault-injection tests (stops PostgreSQL / S3)"
	@echo "make lint         ruff + mypy;  make format  reformat the code"
	@echo "make messages     extract and compile translations"
	@echo "make screenshots  run the browser journeys and save docs/screenshots/*.png"
	@echo "make vendor-static  re-fetch the pinned htmx and ECharts (scripts/vendor_static.sh --check verifies)"

$(STAMP): requirements.txt requirements-dev.txt
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@rm -f $(VENV)/.installed-* && touch $@

venv: $(STAMP)

engine:
	@if [ -f $(ENGINE)/package-lock.json ] && [ ! -d $(ENGINE)/node_modules ]; then \
		npm ci --prefix $(ENGINE) --no-audit --no-fund --loglevel=error; fi

run: $(STAMP)
	@bash scripts/run.sh

worker: $(STAMP)
	$(PY) manage.py run_worker

lint: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	SECRET_KEY=lint-only-key-0123456789-0123456789-0123 $(PY) -m mypy server

format: $(STAMP)
	$(PY) -m ruff format .
	$(PY) -m ruff check --fix .

messages: $(STAMP)
	@bash scripts/messages.sh

check-messages: $(STAMP)
	@bash scripts/messages.sh --check

test: $(STAMP) engine lint check-messages
	$(PY) -m pytest -m "not faults" $(PYTEST_ARGS)

test-faults: $(STAMP) engine
	$(PY) -m pytest -m faults $(PYTEST_ARGS); status=$$?; [ $$status -eq 0 ] || [ $$status -eq 5 ]

bench: $(STAMP)
	@echo "Benchmarks live in bench/ (see bench/README.md); they are not part of the test suite."

screenshots: $(STAMP)
	GRIDBOOK_SCREENSHOTS=1 $(PY) -m pytest tests/browser -q

vendor-static:
	bash scripts/vendor_static.sh

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .mypy_cache $(ENGINE)/node_modules
