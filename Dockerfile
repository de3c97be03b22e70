# Gridbook production image: gunicorn serving Django, static files by whitenoise.
# Build:  docker build -t gridbook .
# Run:    see docker-compose.yml and docs/operations.md
FROM python:3.11-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN apt-get update && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.txt .
RUN python -m venv /venv && /venv/bin/pip install -r requirements.txt
COPY . .
# collectstatic needs settings, not secrets: a build-only key that never reaches the image env.
RUN SECRET_KEY=build-only-key-not-used-at-run-time-000000000 GRIDBOOK_DATA_DIR=/app \
    /venv/bin/python manage.py collectstatic --noinput -v 0

FROM python:3.11-slim-bookworm
# Java runs ODK Validate (bundled with pyxform) on uploaded forms.
RUN apt-get update && apt-get install -y --no-install-recommends default-jre-headless curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /data --create-home gridbook
COPY --from=build /venv /venv
COPY --from=build /app /app
WORKDIR /app
ENV PATH=/venv/bin:$PATH PYTHONUNBUFFERED=1 GRIDBOOK_DATA_DIR=/data PORT=8000
USER gridbook
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD curl -fsS "http://127.0.0.1:${PORT}/healthz" || exit 1
CMD ["gunicorn", "--config", "gunicorn.conf.py", "server.wsgi"]
