# Sinergi. `make run` serves the demo; `make test` runs the whole suite.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
export DJANGO_SETTINGS_MODULE := sinergi.settings

.PHONY: run test lint typecheck check messages lock clean serve demo production-smoke bench

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.base-installed: requirements/base.txt | $(BIN)/activate
	$(BIN)/pip install --quiet -r requirements/base.txt
	touch $@

$(VENV)/.dev-installed: requirements/dev.txt requirements/base.txt | $(VENV)/.base-installed
	$(BIN)/pip install --quiet -r requirements/base.txt -r requirements/dev.txt
	touch $@

var:
	mkdir -p var

## run: install, migrate the SQLite database under var/, load the demo, serve on PORT
run: $(VENV)/.base-installed | var
	DEBUG=true $(BIN)/python manage.py migrate --noinput
	DEBUG=true $(BIN)/python manage.py seed_demo
	DEBUG=true SITE_URL=$${SITE_URL:-http://127.0.0.1:$(PORT)} $(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

## test: install test dependencies and run every test (browser tests need /usr/bin/chromium),
## in two pytest-xdist workers per CPU core (a worker waits on the database and on Chromium
## much of the time: on 2 cores, 4 workers took 553 s where 2 took 627 s), an idle worker
## taking tests queued for a busy one (TEST_WORKERS=0 runs them in this process)
TEST_WORKERS ?= $(shell echo $$(( $$(nproc) * 2 )))
test: $(VENV)/.dev-installed
	$(BIN)/pytest -p no:cacheprovider -n $(TEST_WORKERS) --dist worksteal $(PYTEST_ARGS)

## lint: ruff, then DESIGN.md's conventions as tests (layers, actions, app modules; no database)
lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest -p no:cacheprovider -q tests/conventions

typecheck: $(VENV)/.dev-installed
	DEBUG=true $(BIN)/mypy sinergi

check: lint typecheck test

## production-smoke: the README's production path on a scratch PostgreSQL database (.ci/production-smoke)
production-smoke: $(VENV)/.base-installed
	.ci/production-smoke

## bench: the national benchmark (bench/README.md): SCALE=small (about a minute) or
## SCALE=national; generates sinergi_bench_<scale> on DATABASE_URL's PostgreSQL server and
## writes bench/results/<scale>.md and .json
SCALE ?= small
bench: $(VENV)/.base-installed
	if [ -f requirements/bench.txt ]; then $(BIN)/pip install --quiet -r requirements/bench.txt; fi
	DEBUG=true $(BIN)/python bench/run.py --scale $(SCALE) $(BENCH_ARGS)

## messages: extract and compile translations (needs gettext)
messages: $(VENV)/.dev-installed
	DEBUG=true $(BIN)/python manage.py makemessages -l id -l en --ignore=.venv --ignore=staticfiles --no-obsolete
	DEBUG=true $(BIN)/python manage.py compilemessages --ignore=.venv

## lock: re-pin requirements/*.txt from requirements/*.in
lock: $(VENV)/.dev-installed
	$(BIN)/pip install --quiet pip-tools
	cd requirements && ../$(BIN)/pip-compile -q --strip-extras --allow-unsafe --no-emit-index-url --no-emit-find-links -o base.txt base.in
	cd requirements && ../$(BIN)/pip-compile -q --strip-extras --allow-unsafe --no-emit-index-url --no-emit-find-links -o dev.txt dev.in

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .mypy_cache .ruff_cache
