# The configurator's image (docs/deployment.md): one image for web (gunicorn), worker and beat.
# Build: docker build -t configurator .   Run: see compose.yaml.

# The diagram kernel (configurator/engine/diagram/kernel.c, decision 34) needs a C compiler to build,
# the running image does not: it is built here and only the compiled module is copied.
# Both stages are pinned by tag; pin them by digest too (`FROM python:…@sha256:…`, the digest from
# `docker buildx imagetools inspect python:3.13.0-slim-bookworm`) where a registry can confirm it.
FROM python:3.13.0-slim-bookworm AS kernel
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN apt-get update \
    && apt-get install --yes --no-install-recommends gcc libc6-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt
COPY configurator/__init__.py configurator/
COPY configurator/engine/ configurator/engine/
RUN python -m configurator.engine.diagram.kernel_build \
    && ls configurator/engine/diagram/_kernel_*

FROM python:3.13.0-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VAR_DIR=/app/var \
    BIND=0.0.0.0:8000

WORKDIR /app
RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --no-create-home --shell /usr/sbin/nologin app

# Dependencies first: this layer is rebuilt only when requirements.txt changes. The runtime ones only:
# pytest, playwright and the other tools of tests and `make run` are in requirements-dev.txt.
COPY requirements.txt .
RUN pip install --no-cache-dir -r requirements.txt

COPY . .
COPY --from=kernel /app/configurator/engine/diagram/_kernel_* configurator/engine/diagram/
# Compiled translations (Babel, no GNU gettext) and the static files WhiteNoise serves, hashed and
# compressed, made once at build. The keys exist only for this step: settings refuse to load without
# them when DEBUG is off, and collectstatic uses neither.
RUN pybabel compile --domain django --directory locale \
    && DEBUG=0 \
       SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" \
       FIELD_ENCRYPTION_KEY="$(python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')" \
       python manage.py collectstatic --noinput --verbosity 0 \
    && mkdir -p /app/var/media /app/var/previews \
    && chown -R app:app /app/var

USER app
EXPOSE 8000
# Liveness only (/healthz): a database or broker outage must not restart the container; the proxy or
# orchestrator routes on /readyz. The start period covers compiling the catalog before the first fork.
HEALTHCHECK --interval=30s --timeout=5s --start-period=120s --retries=3 \
    CMD ["python", "-c", "import urllib.request, sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status != 200)"]
CMD ["gunicorn", "--config", "config/gunicorn.conf.py", "config.wsgi"]
