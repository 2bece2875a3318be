# The two commands: `make run` (set up and serve everything) and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export PORT

# Python 3.12+ (Django 6 needs it): $PYTHON if set, else python3.13, python3.12 or python3
# on the PATH, else one that pyenv installed; each is tried, not just looked up.
BASE_PYTHON := $(shell for c in "$$PYTHON" python3.13 python3.12 python3 \
	$${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.13*/bin/python3.13 \
	$${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.12*/bin/python3.12; do \
	[ -n "$$c" ] && "$$c" -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1 \
	&& { "$$c" -c 'import sys; print(sys.executable)'; break; }; done)

.PHONY: help run serve test lint api-check bench bench-insights bench-quick setup messages kernel clean

help:
	@echo "make run    set up .venv, migrate, load the demo catalogs and serve on 127.0.0.1:$(PORT) with a Celery worker, beat"
	@echo "           and a simulated factory that receives the orders (on 9000 if free, or FACTORY_PORT)"
	@echo "make serve  the production setup locally: DEBUG off, gunicorn, one worker, one beat (docs/deployment.md)"
	@echo "make test   run the whole test suite"
	@echo "make lint   ruff and mypy"
	@echo "make api-check  serve the API (DEBUG off, demo catalogs) and fuzz every operation with schemathesis"

$(VENV)/.installed: requirements.txt requirements-dev.txt
	@if [ -z "$(BASE_PYTHON)" ]; then \
		echo "No Python 3.12 or newer found (Django 6 needs it)."; \
		echo "Install one, e.g. 'sudo apt-get install python3.12 python3.12-venv', 'brew install python@3.13',"; \
		echo "or 'pyenv install 3.13', or point PYTHON=/path/to/python3.12 at it."; \
		exit 1; fi
	@[ -x $(PY) ] || { echo "Creating $(VENV) with $(BASE_PYTHON)"; "$(BASE_PYTHON)" -m venv $(VENV); }
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@

setup: $(VENV)/.installed messages kernel

# The diagram kernel (C through cffi, configurator/engine/diagram/kernel.c): built where a C compiler
# is present, once per source; without one the pure-Python markings serve, slower.
kernel: $(VENV)/.installed
	@$(PY) -m configurator.engine.diagram.kernel_build

# Compiled translations are build output: made here with Babel, so no GNU gettext is needed.
# Compiled again only when a catalog changed: CI's PostgreSQL run reads them while `make test` starts.
MO := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/django.po))
messages: $(MO)

locale/%/LC_MESSAGES/django.mo: locale/%/LC_MESSAGES/django.po $(VENV)/.installed
	@$(VENV)/bin/pybabel compile --domain django --directory locale --locale $* --statistics 2>&1 | grep -v '^$$' || true

run: setup
	DEBUG=$${DEBUG:-1} $(PY) manage.py migrate --noinput
	DEBUG=$${DEBUG:-1} $(PY) manage.py collectstatic --noinput --verbosity 0
	DEBUG=$${DEBUG:-1} $(PY) manage.py load_demo
	@# The Insights page's demo data: simulated shoppers, once per demo product, run by the worker (decision 31).
	DEBUG=$${DEBUG:-1} $(PY) manage.py simulate_shoppers city-car shirt --visits 300 --if-empty --background --orders
	DEBUG=$${DEBUG:-1} $(PY) manage.py ensure_admin
	@# The simulated factory (docs/factory-feed.md): an internal endpoint with its own secret and token, on
	@# FACTORY_PORT, else 9000 when free, else a port the system picks (never the web server's PORT).
	@mkdir -p var/factory
	@$(PY) -m config.ports choose --prefer 9000 --avoid $(PORT) > var/factory/port
	@[ -s var/factory/secret ] || $(PY) -c 'import base64, secrets; print("whsec_" + base64.b64encode(secrets.token_bytes(24)).decode())' > var/factory/secret
	DEBUG=$${DEBUG:-1} $(PY) manage.py factory_endpoint add --name simulator --url http://127.0.0.1:$$(cat var/factory/port)/ --secret-file var/factory/secret --internal --update
	DEBUG=$${DEBUG:-1} $(PY) manage.py factory_endpoint token simulator --replace --output var/factory/token
	@# The addresses and the admin's password are printed last, by the Procfile's `ready`, once the server listens.
	WEB_PORT=$(PORT) FACTORY_PORT=$$(cat var/factory/port) DEBUG=$${DEBUG:-1} $(VENV)/bin/honcho --procfile Procfile --app-root . start --port $(PORT)

# The production setup on this machine (docs/deployment.md): DEBUG off, static files collected and
# served by WhiteNoise, gunicorn (config/gunicorn.conf.py, warm before forking), one Celery worker and
# exactly one beat. The embedded defaults, or DATABASE_URL / CELERY_BROKER_URL / CACHE_URL when set;
# the demo catalogs are loaded only on the embedded database. Plain HTTP on 127.0.0.1: the HTTPS
# redirect, HSTS and Secure cookies are off unless set. SECRET_KEY and FIELD_ENCRYPTION_KEY, when
# unset, are the ones kept in var/ (generated once, mode 600; `make run` uses the same).
SERVE_ENV = DEBUG=0 SECURE_SSL_REDIRECT=$${SECURE_SSL_REDIRECT:-0} SECURE_COOKIES=$${SECURE_COOKIES:-0} \
	SECURE_HSTS_SECONDS=$${SECURE_HSTS_SECONDS:-0} SECURE_HSTS_PRELOAD=$${SECURE_HSTS_PRELOAD:-0} \
	SECRET_KEY="$${SECRET_KEY:-$$(cat $${VAR_DIR:-var}/secret_key)}" \
	FIELD_ENCRYPTION_KEY="$${FIELD_ENCRYPTION_KEY:-$$(cat $${VAR_DIR:-var}/field_encryption_key)}"

serve: setup
	@mkdir -p $${VAR_DIR:-var}
	@[ -n "$$SECRET_KEY" ] || [ -s $${VAR_DIR:-var}/secret_key ] || { umask 077; \
		$(PY) -c 'import secrets; print(secrets.token_urlsafe(50))' > $${VAR_DIR:-var}/secret_key; }
	@[ -n "$$FIELD_ENCRYPTION_KEY" ] || [ -s $${VAR_DIR:-var}/field_encryption_key ] || { umask 077; \
		$(PY) -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())' \
		> $${VAR_DIR:-var}/field_encryption_key; }
	$(SERVE_ENV) $(PY) manage.py migrate --noinput
	$(SERVE_ENV) $(PY) manage.py collectstatic --noinput --verbosity 0
	@[ -n "$$DATABASE_URL" ] || $(SERVE_ENV) $(PY) manage.py load_demo
	$(SERVE_ENV) $(PY) manage.py ensure_admin
	WEB_PORT=$(PORT) $(SERVE_ENV) $(VENV)/bin/honcho --procfile Procfile.production --app-root . start --port $(PORT)

test: setup
	$(PY) -m pytest $(PYTEST_ARGS)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

# Every operation of /api/schema/ fuzzed against a served app: 0 server errors, 0 schema violations.
api-check: setup
	.ci/schemathesis

# Figures of the engine on real models (../shared/benchmarks), the shopper's click (wrk on gunicorn),
# the preview, the orders pipeline and the production setup under load (gunicorn on PostgreSQL and
# Redis): prints tables, writes docs/performance.md.
bench: setup
	$(PY) bench/run.py
	$(PY) bench/shop.py --write
	$(PY) bench/resolve.py --write
	$(PY) bench/preview.py --write
	$(PY) bench/product_list.py --write
	$(PY) bench/step_bytes.py --write
	$(PY) bench/abuse.py --write
	$(PY) bench/suggestions.py
	$(PY) bench/orders.py --write || echo "bench/orders.py needs PostgreSQL on 127.0.0.1:5432 and redis-server: skipped"
	$(PY) bench/serving.py --write || echo "bench/serving.py needs PostgreSQL and Redis on 127.0.0.1 (5432, 6379): skipped"
	$(MAKE) --no-print-directory bench-insights

# Insights (bench/insights.py): recording's cost on a click, a rollup of 1,000,000 events, the figures; on
# SQLite, then on PostgreSQL (its database bench_insights is dropped and created) when it answers.
BENCH_INSIGHTS_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/bench_insights
bench-insights: setup
	$(PY) bench/insights.py --write
	$(PY) bench/insights.py --write --database-url $(BENCH_INSIGHTS_DATABASE_URL) \
		|| echo "bench/insights.py on PostgreSQL needs it at $(BENCH_INSIGHTS_DATABASE_URL): skipped"

bench-quick: setup
	$(PY) bench/run.py --quick

clean:
	rm -rf var/test .pytest_cache .mypy_cache .ruff_cache
