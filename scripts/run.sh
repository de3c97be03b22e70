#!/usr/bin/env bash
# make run: prepare the embedded default (SQLite, local media/ and exports/) and start Gridbook
# with gunicorn and the background worker. Any variable documented in README.md may be set
# before `make run` (e.g. DATABASE_URL for PostgreSQL, S3_* for S3 storage, PORT).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=$PWD/.venv/bin/python
export GRIDBOOK_DATA_DIR=${GRIDBOOK_DATA_DIR:-$PWD}
export PORT=${PORT:-8000}
export ALLOWED_HOSTS=${ALLOWED_HOSTS:-*}
mkdir -p "$GRIDBOOK_DATA_DIR/media" "$GRIDBOOK_DATA_DIR/exports"

# A secret key of this installation, made once and kept in the data directory.
if [ -z "${SECRET_KEY:-}" ] && [ -z "${SECRET_KEY_FILE:-}" ]; then
  key_file=$GRIDBOOK_DATA_DIR/.secret_key
  if [ ! -s "$key_file" ]; then
    (umask 077; "$PY" -c 'import secrets; print(secrets.token_urlsafe(50))' > "$key_file")
  fi
  export SECRET_KEY_FILE=$key_file
fi

"$PY" manage.py migrate --noinput
"$PY" manage.py collectstatic --noinput -v 0

# The demo district on an empty database; its logins are kept (owner-only) to print each run.
logins=$GRIDBOOK_DATA_DIR/.demo-logins
if "$PY" manage.py seed_demo --if-empty > "$logins.new"; then
  if grep -q "^  " "$logins.new" && ! grep -q "unchanged" "$logins.new"; then
    (umask 077; cp "$logins.new" "$logins")
  fi
  rm -f "$logins.new"
fi
if "$PY" manage.py help load_forms > /dev/null 2>&1; then
  "$PY" manage.py load_forms
fi
# Three months of demo visits, needs and surveys in the demo street (once; idempotent).
"$PY" manage.py seed_demo_activity

pids=()
stop() { kill "${pids[@]}" 2>/dev/null || true; wait || true; }
trap stop EXIT INT TERM
"$PY" -m gunicorn --config gunicorn.conf.py server.wsgi &
pids+=($!)
"$PY" manage.py run_worker &
pids+=($!)

host=$(hostname -I 2>/dev/null | awk '{print $1}')
echo
echo "Gridbook is running:  http://localhost:${PORT}/   (phones on this network: http://${host:-<this-ip>}:${PORT}/)"
echo "Health:               http://localhost:${PORT}/healthz"
if [ -s "$logins" ]; then
  echo "Demo logins (as first created; change them for real use):"
  grep "^  " "$logins"
else
  echo "Demo users exist; set their passwords with: .venv/bin/python manage.py seed_demo --password PW"
fi
echo "Stop with Ctrl-C."
wait -n "${pids[@]}"
