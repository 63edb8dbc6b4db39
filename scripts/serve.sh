#!/usr/bin/env bash
# Production-style serving on one machine: gunicorn for the web, and a task worker beside it.
# Environment (see docs/deploy.md): DATABASE_URL, DJANGO_SECRET_KEY, DJANGO_ALLOWED_HOSTS,
# TASKS_BACKEND (database by default, or django_tasks_rq.RQBackend with REDIS_URL), BIND, WEB_CONCURRENCY.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export DJANGO_DEBUG=${DJANGO_DEBUG:-false}
if [ -z "${DJANGO_SECRET_KEY:-}" ]; then
  # One machine, no key given: keep a generated one, so sessions survive restarts.
  mkdir -p var && umask 077
  [ -s var/secret_key ] || $PY -c "import secrets; print(secrets.token_urlsafe(50))" > var/secret_key
  DJANGO_SECRET_KEY=$(cat var/secret_key)
  export DJANGO_SECRET_KEY
fi
# Plain http on this machine unless a TLS proxy is in front (then set both to true).
export DJANGO_SECURE_SSL_REDIRECT=${DJANGO_SECURE_SSL_REDIRECT:-false}
export DJANGO_SECURE_COOKIES=${DJANGO_SECURE_COOKIES:-false}

# Migrations may legitimately run longer than a request's statement timeout.
DB_STATEMENT_TIMEOUT_MS=0 $PY manage.py migrate --noinput
# Refuses to serve with a console e-mail backend or the demo logins (assessment/checks.py).
$PY manage.py check --deploy --fail-level ERROR
$PY manage.py collectstatic --noinput -v0

if [[ "${TASKS_BACKEND:-}" == *RQBackend ]]; then
  # django-tasks-rq's own job class runs Task objects; RQ's default one cannot.
  WORKER_CMD=($PY manage.py rqworker default --with-scheduler --job-class django_tasks_rq.backend.Job)
else
  # `worker`: db_worker that reconnects after a database outage and reports a heartbeat.
  WORKER_CMD=($PY manage.py worker --no-reload --queue-name '*')
fi

# Supervision: each process runs in a loop that starts it again when it dies (a crash, an
# out-of-memory kill, gunicorn giving up); INT or TERM stops everything. Pid files in $RUN_DIR.
RUN_DIR=${SERVE_RUN_DIR:-$(mktemp -d)}
mkdir -p "$RUN_DIR" && rm -f "$RUN_DIR"/stopping
supervise() {
  local name=$1; shift
  while [ ! -e "$RUN_DIR/stopping" ]; do
    "$@" &
    echo $! > "$RUN_DIR/$name.pid"
    wait $! && status=0 || status=$?
    [ -e "$RUN_DIR/stopping" ] && break
    echo "serve.sh: $name exited (status $status); starting it again in 2 s" >&2
    sleep 2
  done
}
stop() {
  touch "$RUN_DIR/stopping"
  for pidfile in "$RUN_DIR"/*.pid; do [ -e "$pidfile" ] && kill -TERM "$(cat "$pidfile")" 2>/dev/null; done
  wait
  exit 0
}
trap stop INT TERM

supervise worker "${WORKER_CMD[@]}" &
# --preload: the master imports the application (and the report libraries, config/wsgi.py) once;
# workers fork from it and their first request costs no imports.
supervise web .venv/bin/gunicorn config.wsgi --preload \
  --bind "${BIND:-127.0.0.1:8000}" \
  --workers "${WEB_CONCURRENCY:-4}" \
  --access-logfile - --graceful-timeout 20 --timeout 120 \
  --logger-class config.logs.AccessLogger &
wait
