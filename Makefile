# The two commands of the README: `make demo` and `make test`; `make smoke` runs the production stack.
# Both create .venv and install requirements.txt on first use; the embedded PostgreSQL and Redis
# are used unless DATABASE_URL / CELERY_BROKER_URL are set.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python

.PHONY: demo test smoke lint format stop bench fuzz load fault

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

demo: $(VENV)/.installed
	$(PY) deploy/dev.py demo

test: $(VENV)/.installed
	$(PY) deploy/dev.py test $(PYTEST_ARGS)

# The production stack on loopback behind Debian's nginx with TLS; starts and stops everything itself.
smoke: $(VENV)/.installed
	$(PY) deploy/smoke.py

# schemathesis over the whole OpenAPI document against a live server, as three users (a few minutes).
fuzz: $(VENV)/.installed
	$(PY) deploy/fuzz.py

# A mixed working day with locust against gunicorn (2 workers); prints requests/s and p50/p99 per kind.
load: $(VENV)/.installed
	$(PY) deploy/load.py

# Only the fault tests (also part of `make test`): worker killed, PostgreSQL restarted, Redis down, conflicts.
fault: $(VENV)/.installed
	$(PY) deploy/dev.py test -m fault $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: $(VENV)/.installed
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

stop: $(VENV)/.installed
	$(PY) deploy/dev.py stop
