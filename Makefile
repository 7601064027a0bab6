# The two commands: `make run` and `make test`. Both work on a fresh machine.
PYTHON ?= python3
VENV ?= venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask
PORT ?= 5000

.PHONY: run test install install-dev lint seed translations bench bench-load screenshots clean

# Development: debug mode (and so a development SECRET_KEY) unless told otherwise.
run: export FLASK_DEBUG ?= 1
run: install translations
	$(FLASK) db upgrade
	$(FLASK) seed --if-empty --users 60 --posts 1500
	$(FLASK) run --port $(PORT)

test: install-dev translations
	$(BIN)/python -m pytest $(PYTEST_ARGS)

install: $(VENV)/.installed

install-dev: $(VENV)/.installed-dev

$(VENV)/.installed: requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

translations: install
	@if ls app/translations/*/LC_MESSAGES/messages.po >/dev/null 2>&1; then \
		$(BIN)/pybabel -q compile -d app/translations; fi

lint: install-dev
	$(BIN)/ruff check app tests

# Retake the screenshots in docs/screenshots/ (the README shows them).
screenshots: install-dev translations
	UPDATE_SCREENSHOTS=1 $(BIN)/python -m pytest tests/browser/test_interface.py -k captured $(PYTEST_ARGS)

bench: install-dev
	$(BIN)/python -m pytest tests/bench -s -p no:cacheprovider $(PYTEST_ARGS)

# The load benchmark: seeds PostgreSQL, serves with gunicorn, drives wrk; writes docs/benchmarks.md.
# Needs PostgreSQL (BENCH_DATABASE_URL) and wrk (apt-get install -y wrk); see bench/load.py.
bench-load: install-dev translations $(VENV)/.installed-bench
	$(BIN)/python bench/load.py

$(VENV)/.installed-bench: bench/requirements.txt $(VENV)/.installed
	$(BIN)/pip install --quiet -r bench/requirements.txt
	touch $@

clean:
	rm -rf $(VENV) .pytest_cache
